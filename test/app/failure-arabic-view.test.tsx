// @vitest-environment jsdom
import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { stoppedFailure } from '../../electron/engine/capture/scenario-failure';
import type { Blocker } from '../../shared/schema/signoff';
import { readsArabic } from '../../shared/text';
import { fakeApi } from './fake-api';
import { mountApp, playFailedRun } from './mount-app';

afterEach(cleanup);

// The failure as the engine writes it, so the test follows its wording in both languages.
const failure = stoppedFailure(1);
const english = `${failure.message} (fix: ${failure.hint})`;
const arabic = `${failure.ar!.message} (الحل: ${failure.ar!.hint})`;

describe("a failed scenario's reason in the Arabic view", () => {
  it('shows in Arabic in the Run log and the scenario row, and in English in the English view', async () => {
    const fake = fakeApi();
    const { store } = await mountApp(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('run'));
    playFailedRun(fake, 'card-declined', english, arabic);
    const last = () => screen.getByTestId('run-log').querySelector('li:last-child')!.textContent ?? '';
    expect(last()).toContain(english);

    await act(async () => store.getState().setLang('ar'));
    expect(last()).toContain(failure.ar!.message);
    expect(last()).not.toContain(failure.message);
    expect(readsArabic(last())).toBe(true);
    expect(document.body.textContent).toContain(failure.ar!.hint);

    await act(async () => store.getState().setLang('en'));
    expect(last()).toContain(english);
  });

  it("shows a scenario-failed blocker's reason in Arabic in the Arabic view", async () => {
    const blocker: Blocker = {
      kind: 'scenario-failed',
      scenario: 'card-declined',
      message: `Declined (card-declined) failed in run r1: ${failure.message}`,
      reasonAr: failure.ar!.message,
      fix: { action: 'rerun', scenario: 'card-declined' },
      alternatives: [],
    };
    const fake = fakeApi({
      'signoff.status': () => ({
        ready: false,
        blockers: [blocker],
        scenarios: [],
        checkpoints: [],
        verifiedAt: '2026-01-01',
      }),
      'package.plan': () => ({ maxBytes: 20 * 1024 * 1024, outputDir: '/ws/output/package', files: [], warnings: [] }),
    });
    const { store } = await mountApp(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('package'));
    const reason = await screen.findByTestId('blocker-reason');
    expect(reason.textContent).toBe(blocker.message);
    expect(reason.getAttribute('dir')).toBe('ltr');

    await act(async () => store.getState().setLang('ar'));
    const ar = screen.getByTestId('blocker-reason');
    expect(ar.textContent).toBe(failure.ar!.message);
    expect(ar.getAttribute('lang')).toBe('ar');
    expect(readsArabic(ar.textContent ?? '')).toBe(true);
  });

  it("shows a failed scenario's reason in Arabic on the Evidence step, and English evidence from before as English", async () => {
    const row = (id: string, errorAr?: string) => ({
      id,
      title: id,
      method: 'VISA',
      outcome: 'declined',
      language: 'en',
      status: 'failed',
      pinned: false,
      error: failure.message,
      ...(errorAr ? { errorAr } : {}),
      screenshots: [],
      ledger: { values: {}, sources: {} },
    });
    const fake = fakeApi({
      'evidence.list': () => ({
        scenarios: [row('card-declined', failure.ar!.message), row('knet-declined')],
        slots: [],
      }),
    });
    const { store } = await mountApp(fake);
    await act(async () => store.getState().openWorkspace('/ws'));
    await act(async () => store.getState().goTo('evidence'));
    expect((await screen.findByTestId('evidence-error-card-declined')).textContent).toBe(failure.message);
    await act(async () => store.getState().setLang('ar'));
    const ar = screen.getByTestId('evidence-error-card-declined');
    expect(ar.textContent).toBe(failure.ar!.message);
    expect(ar.getAttribute('lang')).toBe('ar');
    const old = screen.getByTestId('evidence-error-knet-declined');
    expect(old.textContent).toBe(failure.message);
    expect(old.getAttribute('lang')).toBe('en');
  });
});
