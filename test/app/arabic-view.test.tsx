// @vitest-environment jsdom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { validateFlow } from '../../electron/engine/capture/flow-file';
import { parseWorkspace } from '../../electron/engine/workspace/workspace';
import { readsArabic } from '../../shared/text';
import { fakeApi } from './fake-api';
import { mountApp, playFailedRun } from './mount-app';

afterEach(cleanup);

async function mountOpen(fake: ReturnType<typeof fakeApi>) {
  const { store } = await mountApp(fake);
  await act(async () => store.getState().openWorkspace('/ws'));
  return store;
}

describe('the Arabic view', () => {
  it("shows an import error in the interface language: the engine's Arabic in Arabic, its English in English", async () => {
    // The engine's own refusal of a step the Recorder would not replay, carried by the envelope as the engine made it.
    const fake = fakeApi({ 'flows.import': () => validateFlow({ title: 'x', steps: [{ type: 'nosuch' }] }, 'x.json') });
    const store = await mountOpen(fake);
    await act(async () => store.getState().goTo('flows'));
    await act(async () => {
      await store.getState().importFlow('card-declined', '{"title":"x","steps":[{"type":"nosuch"}]}');
    });
    const message = () => screen.getByTestId('error-banner').querySelector('.banner-message')!;
    const hint = () => screen.getByTestId('error-banner').querySelector('.banner-hint bdi')!;
    expect(message().textContent).toMatch(/^x\.json: step 1 is invalid/);
    expect(message().getAttribute('lang')).toBe('en');
    expect(hint().textContent).toMatch(/^fix the step in the file/);

    await act(async () => store.getState().setLang('ar'));
    expect(message().textContent).toMatch(/^x\.json: الخطوة 1 غير صالحة/);
    expect(message().getAttribute('dir')).toBe('rtl');
    expect(readsArabic(hint().textContent ?? '')).toBe(true);
    expect(screen.getByTestId('error-banner').textContent).not.toMatch(/fix the step in the file/);

    await act(async () => store.getState().setLang('en'));
    expect(message().textContent).toMatch(/^x\.json: step 1 is invalid/);
  });

  it("shows an invalid workspace's field lines in Arabic when it is opened in the Arabic view", async () => {
    const mistakes = {
      version: 1,
      account: { name: '' },
      integrationTypes: [],
      methods: ['VISA'],
      capture: { quality: 5 },
    };
    const fake = fakeApi({ 'workspace.open': () => parseWorkspace(mistakes, '/ws/certkit.json') });
    const { store } = await mountApp(fake);
    await act(async () => store.getState().setLang('ar'));
    await act(async () => store.getState().openWorkspace('/ws'));
    const message = screen.getByTestId('error-banner').querySelector('.banner-message')!;
    const text = message.textContent ?? '';
    expect(text).toMatch(/^\/ws\/certkit\.json ليس مساحة عمل Certkit صالحة/);
    expect(message.getAttribute('dir')).toBe('rtl');
    for (const field of ['account.name', 'integrationTypes', 'capture.quality']) {
      const line = text.split('\n').find((l) => l.trim().startsWith(`${field}: `));
      expect(readsArabic(line?.slice(line.indexOf(': ')) ?? '')).toBe(true);
    }
    expect(screen.getByTestId('error-banner').textContent).not.toMatch(
      /is needed for the sign-off email|pick at least one/,
    );

    await act(async () => store.getState().setLang('en'));
    expect(screen.getByTestId('error-banner').querySelector('.banner-message')!.textContent).toMatch(
      /account\.name: the APS account name is needed for the sign-off email subject/,
    );
  });

  it('says the run log in the interface language, from the events the run tracker records', async () => {
    const fake = fakeApi();
    const store = await mountOpen(fake);
    await act(async () => store.getState().goTo('run'));
    // The tracker the engine uses, emitting into the fake transport as the real one emits into IPC or SSE.
    playFailedRun(fake, 'card-declined', 'APS answered 14000');
    const lines = () => [...screen.getByTestId('run-log').querySelectorAll('li')].map((li) => li.textContent ?? '');
    expect(lines().at(-1)).toMatch(/card-declined: failed \(APS answered 14000\)$/);
    expect(lines().at(-2)).toMatch(/card-declined: started$/);

    await act(async () => store.getState().setLang('ar'));
    expect(lines().at(-1)).toMatch(/card-declined: فشل \(APS answered 14000\)$/);
    expect(lines().at(-2)).toMatch(/card-declined: بدأ$/);
    expect(lines()[0]).toMatch(/التشغيل r1: 1 سيناريو$/);
    const last = screen.getByTestId('run-log').querySelector('li:last-child')!;
    expect(last.getAttribute('lang')).toBe('ar');
    // Identifiers inside the right-to-left line keep their own order.
    expect([...last.querySelectorAll('bdi[dir=ltr]')].map((b) => b.textContent)).toEqual([
      'card-declined:',
      '(APS answered 14000)',
    ]);
    // A line from an older engine, without its event, stays the English it was, marked as English.
    act(() => fake.fire('run.log', { at: '2026-01-01T00:00:00.000Z', level: 'info', line: 'an old line' }));
    expect(screen.getByTestId('run-log').querySelector('li:last-child')!.getAttribute('lang')).toBe('en');

    await act(async () => store.getState().setLang('en'));
    expect(lines().at(-2)).toMatch(/card-declined: failed \(APS answered 14000\)$/);
  });
});
