// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CertkitError } from '../../electron/engine/errors';
import { fakeApi } from './fake-api';
import { mountApp } from './mount-app';

afterEach(cleanup);

const mount = mountApp;

describe('wizard components', () => {
  it('starts on the welcome screen with recent workspaces, and opens one', async () => {
    const { fake } = await mount();
    expect(screen.getByTestId('welcome')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('/recent/one'));
    });
    expect(fake.calls.some((c) => c.name === 'workspace.open' && c.input.dir === '/recent/one')).toBe(true);
    expect(screen.getByTestId('step-title').textContent).toBe('Project');
    // The browser host says where secrets live.
    expect(screen.getByTestId('secrets-notice').textContent).toMatch(/memory of the Certkit process/);
  });

  it('sends typed secrets to the API, never into the workspace, and clears the fields', async () => {
    const fake = fakeApi({
      'secrets.set': (input) => ({
        store: 'memory',
        accessCode: !!input.accessCode,
        requestPhrase: false,
        responsePhrase: false,
        shaType: input.shaType,
      }),
    });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    const field = screen.getByTestId('secret-accessCode') as HTMLInputElement;
    expect(field.type).toBe('password');
    fireEvent.change(field, { target: { value: 'AccessCode123' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('secrets-save'));
    });
    expect(fake.calls.find((c) => c.name === 'secrets.set')?.input).toEqual({
      accessCode: 'AccessCode123',
      shaType: 'sha256',
    });
    expect(field.value).toBe('');
    expect(JSON.stringify(store.getState().ws)).not.toContain('AccessCode123');
  });

  it('switches to Arabic, right to left', async () => {
    const { store } = await mount();
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('lang-toggle'));
    });
    expect(document.documentElement.dir).toBe('rtl');
    expect(document.documentElement.lang).toBe('ar');
    expect(screen.getByTestId('step-title').textContent).toBe('المشروع');
  });

  it('chooses the browser a run drives, and how many scenarios at once, in the workspace', async () => {
    const { store, fake } = await mount();
    await act(async () => store.getState().openWorkspace('/ws'));
    const engine = screen.getByTestId('browser-engine') as HTMLSelectElement;
    expect(engine.value).toBe('chromium');
    await act(async () => {
      fireEvent.change(engine, { target: { value: 'firefox' } });
    });
    await act(async () => {
      fireEvent.change(screen.getByTestId('browser-concurrency'), { target: { value: '3' } });
    });
    // Out of bounds is not taken: the field keeps the last valid count.
    await act(async () => {
      fireEvent.change(screen.getByTestId('browser-concurrency'), { target: { value: '40' } });
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('browser-visible'));
    });
    const saved = fake.calls.filter((c) => c.name === 'workspace.save').at(-1)?.input as {
      workspace: { browser: { engine?: string; concurrency?: number; headless?: boolean } };
    };
    expect(saved.workspace.browser).toMatchObject({ engine: 'firefox', concurrency: 3, headless: false });
  });

  it('names what the package still lacks in the interface language, from the data the engine sends', async () => {
    const fake = fakeApi({
      'package.plan': () => ({
        maxBytes: 20 * 1024 * 1024,
        outputDir: '/ws/output/package',
        files: [],
        warnings: [],
        missing: [
          { slot: 'general.result', scenarioId: 'card-declined', scenarioRan: false },
          { slot: 'apple_pay_web.session', scenarioRan: false },
        ],
      }),
    });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('package'));
    const list = await screen.findByTestId('package-missing');
    expect(list.textContent).toContain('Declined transaction');
    expect(list.textContent).toContain('scenario not run');
    expect(list.textContent).toMatch(/Code snippet: .*Add the snippet/);
    await act(async () => {
      fireEvent.click(screen.getByTestId('lang-toggle'));
    });
    const ar = screen.getByTestId('package-missing').textContent!;
    expect(ar).toContain('معاملة مرفوضة');
    expect(ar).toContain('لم يُشغَّل السيناريو');
    expect(ar).toContain('مقتطف الشيفرة');
    expect(ar).not.toMatch(/certkit snippet|scenario not run/);
  });

  it('highlights missing slots on the evidence step', async () => {
    const fake = fakeApi({
      'evidence.list': () => ({
        scenarios: [],
        slots: [
          { id: 'general.checkout', checklistName: 'Checkout page', kind: 'page', filled: true },
          { id: 'general.three_ds', checklistName: '3D Secure page', kind: 'page', filled: false },
        ],
      }),
    });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('evidence'));
    const missing = await screen.findByTestId('slot-general.three_ds');
    expect(missing.className).toBe('slot-missing');
    expect(missing.textContent).toMatch(/missing/);
    expect(screen.getByTestId('slot-general.checkout').className).toBe('slot-filled');
    // In Arabic the catalog's names follow the interface; the slot ids stay as they are.
    await act(async () => {
      fireEvent.click(screen.getByTestId('lang-toggle'));
    });
    expect(screen.getByTestId('slot-general.three_ds').textContent).toContain('صفحة 3D Secure');
    expect(screen.getByTestId('slot-general.three_ds').textContent).toContain('general.three_ds');
    expect(screen.getByTestId('slot-general.checkout').textContent).not.toContain('Checkout page');
  });

  it('confirms a checkpoint only with a note, and shows the fix text of a failure', async () => {
    const results = [
      { checkpointId: 'inbound-ip', status: 'needs-confirmation', summary: 'Only you can tell', evidence: [] },
      {
        checkpointId: 'customer-email',
        status: 'failed',
        summary: 'Static email',
        fix: 'Send the customer’s own email',
        evidence: [{ scenarioId: 'card-declined', kind: 'field', ref: 'x1.customer_email' }],
      },
    ];
    const fake = fakeApi({
      'checks.verify': () => ({ results }),
      'checks.confirm': ({ checkpointId, note }) => ({
        results: results.map((r) => (r.checkpointId === checkpointId ? { ...r, status: 'confirmed', note } : r)),
      }),
    });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('checklist'));
    await screen.findByTestId('check-inbound-ip');
    expect(screen.getByTestId('check-customer-email').textContent).toMatch(/Send the customer’s own email/);
    const button = screen.getByTestId('confirm-inbound-ip') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('note-inbound-ip'), { target: { value: 'Separate NAT gateways' } });
    await act(async () => {
      fireEvent.click(button);
    });
    expect(fake.calls.find((c) => c.name === 'checks.confirm')?.input).toEqual({
      checkpointId: 'inbound-ip',
      confirmed: true,
      note: 'Separate NAT gateways',
    });
    expect(screen.getByTestId('check-inbound-ip').getAttribute('data-status')).toBe('confirmed');
  });

  it('offers each sign-off blocker its fix: tag the step, add the snippet, confirm with a note; builds only last', async () => {
    const blockers = [
      {
        kind: 'slot-missing',
        scenario: 'card-declined',
        slot: 'general.result',
        message: 'no result page',
        fix: { action: 'tag-step', scenario: 'card-declined', slot: 'general.result' },
        alternatives: [],
      },
      {
        kind: 'snippet-missing',
        slot: 'apple_pay_web.session',
        message: 'no snippet',
        fix: { action: 'add-snippet', slot: 'apple_pay_web.session' },
        alternatives: [],
      },
      {
        kind: 'checkpoint-needs-confirmation',
        checkpoint: 'inbound-ip',
        message: 'confirm it',
        fix: { action: 'confirm', checkpoint: 'inbound-ip' },
        alternatives: [],
      },
      { kind: 'package-missing', message: 'no package', fix: { action: 'build-package' }, alternatives: [] },
    ];
    const flow = {
      name: 'card-declined',
      file: 'flows/card-declined.json',
      title: 'Declined',
      stepCount: 2,
      placeholders: [],
      slots: [],
      steps: [
        { index: 0, type: 'navigate', label: 'Open the shop' },
        { index: 1, type: 'waitForElement', label: 'Wait for the result' },
      ],
    };
    const fake = fakeApi({
      'signoff.status': () => ({ ready: false, blockers, scenarios: [], checkpoints: [], verifiedAt: '2026-01-01' }),
      'package.plan': () => ({ maxBytes: 20 * 1024 * 1024, outputDir: '/ws/output/package', files: [], warnings: [] }),
      'flows.get': () => flow,
      'flows.tag': ({ step, slot }) => ({
        ...flow,
        steps: flow.steps.map((x) => (x.index === step ? { ...x, slot } : x)),
      }),
      'flows.list': () => ({ flows: [] }),
      'snippets.add': () => ({ ok: true }),
      'evidence.list': () => ({ scenarios: [], slots: [] }),
      'checks.confirm': () => ({ results: [] }),
    });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('package'));
    await screen.findByTestId('fix-tag-card-declined-general.result');
    // The final package waits for the other items; only the package step's own button builds a draft meanwhile.
    expect((screen.getByTestId('fix-build-package') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('package-build').getAttribute('data-draft')).toBe('true');

    await act(async () => {
      fireEvent.click(screen.getByTestId('fix-tag-card-declined-general.result'));
    });
    const select = await screen.findByTestId('tag-step-general.result');
    fireEvent.change(select, { target: { value: '1' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('tag-apply-general.result'));
    });
    expect(fake.calls.find((c) => c.name === 'flows.tag')?.input).toEqual({
      name: 'card-declined',
      step: 1,
      slot: 'general.result',
    });

    await act(async () => {
      fireEvent.click(screen.getByTestId('fix-snippet-apple_pay_web.session'));
    });
    fireEvent.change(screen.getByTestId('signoff-snippet-apple_pay_web.session'), {
      target: { value: 'const session = await validate(url);' },
    });
    await act(async () => {
      fireEvent.click(screen.getByTestId('signoff-snippet-add-apple_pay_web.session'));
    });
    expect(fake.calls.find((c) => c.name === 'snippets.add')?.input).toEqual({
      slot: 'apple_pay_web.session',
      code: 'const session = await validate(url);',
      language: 'javascript',
    });

    await act(async () => {
      fireEvent.click(screen.getByTestId('fix-confirm-inbound-ip'));
    });
    const confirm = screen.getByTestId('signoff-confirm-inbound-ip') as HTMLButtonElement;
    // No confirmation without a word of what was checked.
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByTestId('signoff-note-inbound-ip'), { target: { value: 'Two NAT gateways' } });
    await act(async () => {
      fireEvent.click(confirm);
    });
    expect(fake.calls.find((c) => c.name === 'checks.confirm')?.input).toEqual({
      checkpointId: 'inbound-ip',
      confirmed: true,
      note: 'Two NAT gateways',
    });
    // Each fix asks the engine again for what still blocks.
    expect(fake.calls.filter((c) => c.name === 'signoff.status').length).toBeGreaterThan(1);
  });

  it('runs the response-signature probe only when asked', async () => {
    const fake = fakeApi({ 'checks.verify': () => ({ results: [] }) });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('checklist'));
    const probe = await screen.findByTestId('verify-probe');
    // Opening the step verifies without touching the merchant's return URL.
    expect(fake.calls.filter((c) => c.name === 'checks.verify').map((c) => c.input)).toEqual([{}]);
    expect(probe.getAttribute('title')).toMatch(/staging store only/);
    await act(async () => {
      fireEvent.click(probe);
    });
    expect(fake.calls.filter((c) => c.name === 'checks.verify').at(-1)?.input).toEqual({ probeResponse: true });
  });

  it('shows an engine error with its fix in the banner', async () => {
    const fake = fakeApi({
      'package.plan': () => {
        throw new CertkitError('no evidence yet', { hint: 'run the scenarios first' });
      },
    });
    const { store } = await mount(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('package'));
    const banner = await screen.findByTestId('error-banner');
    expect(banner.textContent).toMatch(/no evidence yet/);
    expect(banner.textContent).toMatch(/run the scenarios first/);
  });
});
