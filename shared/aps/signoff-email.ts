// What the go-live page asks the certification email to be.
export const SIGNOFF_EMAIL = {
  to: 'integration-ps@amazon.com',
  subjectPattern: 'Integration Sign-off - [Account Name]',
  /** Attachments: screenshots as .zip or .pdf, each at most this size. */
  maxAttachmentBytes: 20 * 1024 * 1024,
  attachmentFormats: ['zip', 'pdf'] as const,
  /** Sections the body must carry, in order. */
  bodySections: [
    {
      id: 'test-results',
      title: 'Test results',
      requirement: 'Merchant reference of each test scenario (agreement ids for recurring)',
    },
    {
      id: 'verification',
      title: 'Verification checklist',
      requirement: 'Confirmation of every checkpoint of the integration types in use',
    },
    {
      id: 'local-methods',
      title: 'Local payment methods',
      requirement: 'Methods covered and their specific requirements met',
    },
    {
      id: 'code-snippets',
      title: 'Code snippets',
      requirement:
        'Apple Pay networks and capabilities; tokenization code for mobile custom merchant page (if applicable)',
    },
    {
      id: 'attachments',
      title: 'Attachments',
      requirement: 'The screenshot packages, URLs visible in every screenshot',
    },
  ],
  testAccountSupport: 'merchantsupport-ps@amazon.com',
} as const;

export function signoffSubject(accountName: string): string {
  return `Integration Sign-off - ${accountName.trim()}`;
}
