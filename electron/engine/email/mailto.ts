// The mail app is handed the saved .eml (which carries the whole text and the attachments); a mailto: link is the
// fallback where no app takes the file, and a link that long (the whole body) is refused or cut by mail apps and
// by Electron's navigation guard. So the link carries the address, the subject and a short pointer to the file.

/** Longest mailto: link handed to the OS; Windows' shell and several mail apps cut or refuse longer ones. */
export const MAILTO_MAX = 2000;

/** True for a mailto: link short enough to hand to the OS; nothing else leaves the app through openExternal. */
export function isMailtoLink(url: string): boolean {
  return /^mailto:[^\s]/i.test(url) && url.length <= MAILTO_MAX;
}

/** A mailto: link with the address, the subject and a body that says where the full email and its files are. */
export function shortMailto(to: string, subject: string, emlPath: string, packageDir: string): string {
  const body = [
    'The full sign-off email, with its attachments, is saved as:',
    emlPath,
    '',
    'Paste its text here and attach the files from:',
    packageDir,
  ].join('\n');
  const link = `mailto:${to}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
  return link.length <= MAILTO_MAX ? link : `mailto:${to}?subject=${encodeURIComponent(subject)}`;
}
