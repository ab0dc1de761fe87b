// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { bridgeApi, type CertkitBridge } from '../../shared/api/client';
import { ApiCallError, type CallReply } from '../../shared/api/reply';
import { httpApi } from '../../renderer/src/api/http-client';
import { createAppStore, uiError } from '../../renderer/src/store/app-store';
import { CertkitError } from '../../electron/engine/errors';
import { fakeApi } from './fake-api';

describe('app store', () => {
  it('starts, subscribes to run events and opens a workspace with its plan and secrets status', async () => {
    const fake = fakeApi();
    const store = createAppStore(fake.api);
    await store.getState().start();
    expect(store.getState().recent).toEqual(['/recent/one']);
    expect(fake.listenerCount('run.progress')).toBe(1);
    await store.getState().openWorkspace('/ws');
    const s = store.getState();
    expect(s.ws?.dir).toBe('/ws');
    expect(s.plan?.scenarios.map((x) => x.id)).toContain('card-declined');
    expect(s.secrets?.store).toBe('memory');
  });

  it('saves edits as you go: one save for a burst of typing, with the last value', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeApi();
      const store = createAppStore(fake.api, { saveDelayMs: 300 });
      await store.getState().openWorkspace('/ws');
      for (const name of ['A', 'Ac', 'Acme'])
        store.getState().editWorkspace((w) => ({ ...w, account: { ...w.account, name } }));
      expect(store.getState().ws?.workspace.account.name).toBe('Acme');
      expect(store.getState().save).toBe('saving');
      expect(fake.calls.filter((c) => c.name === 'workspace.save')).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(350);
      const saves = fake.calls.filter((c) => c.name === 'workspace.save');
      expect(saves).toHaveLength(1);
      expect(saves[0].input.workspace.account.name).toBe('Acme');
      expect(store.getState().save).toBe('saved');
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a flow the user imported when an earlier flow load answers late', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const detail = (name: string, title: string, stepCount: number) => ({
      name,
      file: `flows/${name}.json`,
      title,
      stepCount,
      placeholders: [],
      steps: Array.from({ length: stepCount }, (_, index) => ({ index, type: 'click', label: `step ${index}` })),
    });
    const fake = fakeApi({
      'flows.list': () => ({
        flows: [
          {
            name: 'applepay-success',
            file: 'flows/applepay-success.json',
            title: 'Apple Pay',
            stepCount: 6,
            placeholders: [],
          },
        ],
      }),
      'flows.get': async ({ name }) => {
        await gate;
        return detail(name, 'Apple Pay', 6);
      },
      'flows.import': ({ name }) => detail(name, 'Declined card, imported', 13),
    });
    const store = createAppStore(fake.api);
    await store.getState().openWorkspace('/ws');
    const loading = store.getState().loadFlows();
    await vi.waitFor(() => expect(fake.calls.some((c) => c.name === 'flows.get')).toBe(true));
    expect(await store.getState().importFlow('card-declined', '{}')).toBe(true);
    release();
    await loading;
    expect(store.getState().flow?.title).toBe('Declined card, imported');
    expect(store.getState().flow?.steps).toHaveLength(13);
  });

  it('never lets an older save land after a newer one', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = fakeApi({
      'workspace.save': async ({ workspace }) => {
        order.push(`start ${workspace.account.name}`);
        if (workspace.account.name === 'Old') await gate;
        order.push(`end ${workspace.account.name}`);
        return { dir: '/ws', workspace: { ...workspace, version: 1 } };
      },
    });
    const store = createAppStore(fake.api, { saveDelayMs: 10_000 });
    await store.getState().openWorkspace('/ws');
    store.getState().editWorkspace((w) => ({ ...w, account: { ...w.account, name: 'Old' } }));
    const first = store.getState().flushSave();
    await vi.waitFor(() => expect(order).toEqual(['start Old']));
    store.getState().editWorkspace((w) => ({ ...w, account: { ...w.account, name: 'New' } }));
    const second = store.getState().flushSave();
    release();
    await Promise.all([first, second]);
    // Had the newer save raced the older one, 'start New' would come before 'end Old'.
    expect(order).toEqual(['start Old', 'end Old', 'start New', 'end New']);
    expect(store.getState().ws?.workspace.account.name).toBe('New');
  });

  it('shows a refused save as an error with its fix, and keeps the edit on screen', async () => {
    const fake = fakeApi({
      'workspace.save': () => {
        throw new CertkitError('account.name: the APS account name is needed', { hint: 'fill in the account name' });
      },
    });
    const store = createAppStore(fake.api, { saveDelayMs: 0 });
    await store.getState().openWorkspace('/ws');
    store.getState().editWorkspace((w) => ({ ...w, account: { ...w.account, name: '' } }));
    await store.getState().flushSave();
    const s = store.getState();
    expect(s.save).toBe('error');
    expect(s.error).toEqual({
      call: 'workspace.save',
      message: 'account.name: the APS account name is needed',
      hint: 'fill in the account name',
    });
    expect(s.ws?.workspace.account.name).toBe('');
  });

  it('follows a run from its events: progress per scenario, log, and evidence reload at the end', async () => {
    const fake = fakeApi({
      'run.start': () => ({ runId: 'r1' }),
      'evidence.list': () => ({ scenarios: [], slots: [] }),
      'evidence.image': () => ({ dataUrl: 'data:image/jpeg;base64,AA', width: 1, height: 1 }),
    });
    const store = createAppStore(fake.api);
    await store.getState().start();
    await store.getState().startRun({ concurrency: 3 });
    expect(fake.calls.find((c) => c.name === 'run.start')?.input).toEqual({ concurrency: 3 });
    expect(store.getState().run.running).toBe(true);
    // The run's whole list arrives first, all pending, so progress counts against it from the start.
    fake.fire('run.started', { runId: 'r1', scenarios: ['card-declined', 'card-3ds-success'] });
    expect(store.getState().run.scenarios.map((s) => s.status)).toEqual(['pending', 'pending']);
    // A late event of another run does not show in this one.
    fake.fire('run.progress', { runId: 'r0', id: 'card-declined', status: 'failed', step: 1, steps: 8 });
    fake.fire('run.progress', { runId: 'r1', id: 'card-declined', status: 'running', step: 2, steps: 8 });
    fake.fire('run.progress', { runId: 'r1', id: 'card-declined', status: 'passed', step: 8, steps: 8 });
    fake.fire('run.log', { at: '2026-01-01T00:00:00Z', level: 'info', line: 'card-declined: passed' });
    fake.fire('run.captured', {
      runId: 'r1',
      scenarioId: 'card-declined',
      file: '01.jpg',
      url: 'https://shop/checkout',
    });
    await vi.waitFor(() => expect(store.getState().thumbs['card-declined']?.dataUrl).toBe('data:image/jpeg;base64,AA'));
    expect(store.getState().run.scenarios).toEqual([
      { id: 'card-declined', status: 'passed', step: 8, steps: 8 },
      { id: 'card-3ds-success', status: 'pending', step: 0, steps: 0 },
    ]);
    expect(store.getState().run.log.map((l) => l.line)).toEqual(['card-declined: passed']);
    fake.fire('run.finished', { runId: 'r1', passed: 1, failed: 0, stopped: false });
    expect(store.getState().run.running).toBe(false);
    await vi.waitFor(() => expect(fake.calls.some((c) => c.name === 'evidence.list')).toBe(true));
  });

  it('gets the same ApiCallError, message and fix, from the Electron bridge and from the HTTP host', async () => {
    const refused: CallReply = {
      ok: false,
      error: {
        message: 'a run is already in progress',
        hint: 'wait for it to finish, or stop it first',
        code: 'state',
      },
    };
    const bridge: CertkitBridge = { invoke: async () => refused, on: () => () => undefined };
    const fetchStub = vi.fn(async () => new Response(JSON.stringify(refused), { status: 409 }));
    vi.stubGlobal('fetch', fetchStub);
    try {
      const errors: unknown[] = [];
      for (const api of [bridgeApi(bridge), httpApi('token')]) await api.run.start({}).catch((e) => errors.push(e));
      expect(fetchStub).toHaveBeenCalledTimes(1);
      expect(errors).toHaveLength(2);
      for (const err of errors) {
        expect(err).toBeInstanceOf(ApiCallError);
        expect(err).toMatchObject({ call: 'run.start', message: refused.error.message, code: 'state' });
        expect(uiError('run.start', err)).toEqual({
          call: 'run.start',
          message: refused.error.message,
          hint: refused.error.hint,
        });
      }
      // Both paths end in the same banner.
      for (const api of [bridgeApi(bridge), httpApi('token')]) {
        const store = createAppStore(api);
        await store.getState().startRun({});
        expect(store.getState().error).toEqual({
          call: 'run.start',
          message: 'a run is already in progress',
          hint: 'wait for it to finish, or stop it first',
        });
      }
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('names the call and the HTTP status when the host answers without a reply envelope', async () => {
    vi.stubGlobal('fetch', async () => new Response('<h1>Bad gateway</h1>', { status: 502 }));
    try {
      const err = await httpApi('token')
        .workspace.plan({})
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiCallError);
      expect(err).toMatchObject({
        code: 'transport',
        message: 'workspace.plan failed: HTTP 502 without a Certkit reply',
      });
      expect(uiError('workspace.plan', new TypeError('boom'))).toEqual({ call: 'workspace.plan', message: 'boom' });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('updates one ledger entry in place after a hand edit', async () => {
    const ledger = { values: { merchant_reference: 'REF-1' }, sources: { merchant_reference: 'manual' } };
    const fake = fakeApi({
      'evidence.list': () => ({
        scenarios: [
          {
            id: 'card-declined',
            title: 't',
            method: 'VISA',
            outcome: 'declined',
            language: 'en',
            status: 'passed',
            runId: 'r',
            screenshots: [],
            ledger: { values: {}, sources: {} },
          },
        ],
        slots: [],
      }),
      'evidence.setLedger': () => ledger,
    });
    const store = createAppStore(fake.api);
    await store.getState().loadEvidence();
    await store.getState().setLedger('card-declined', 'merchant_reference', 'REF-1');
    expect(fake.calls.at(-1)).toEqual({
      name: 'evidence.setLedger',
      input: { scenarioId: 'card-declined', field: 'merchant_reference', value: 'REF-1' },
    });
    expect(store.getState().evidence?.scenarios[0].ledger).toEqual(ledger);
  });
  it('takes an error banner down when the person next does something that works, not when a load in the background does', async () => {
    let failBuild = true;
    const fake = fakeApi({
      'flows.import': () => {
        throw new CertkitError('card-declined.json: step 1 is invalid', { hint: 'record the flow again' });
      },
      'flows.tag': ({ name, step, slot }) => ({
        name,
        file: `flows/${name}.json`,
        title: 't',
        stepCount: 1,
        placeholders: [],
        steps: [{ index: step, type: 'click', label: 'x', slot: slot ?? undefined }],
      }),
      'flows.list': () => ({ flows: [] }),
      'package.build': () => {
        if (failBuild) throw new CertkitError('the disk is full', { hint: 'free space' });
        return { maxBytes: 1, outputDir: '/ws/output/package', files: [], warnings: [] };
      },
    });
    const store = createAppStore(fake.api);
    await store.getState().openWorkspace('/ws');
    expect(await store.getState().importFlow('card-declined', '{"steps":[{}]}')).toBe(false);
    expect(store.getState().error?.call).toBe('flows.import');
    // Another call than the one that failed, asked for by the person: the old failure is no longer the news.
    expect(await store.getState().tagStep(0, 'general.result', 'card-declined')).toBe(true);
    expect(store.getState().error).toBeUndefined();

    // A build that fails is followed by a refresh of the blockers; that refresh succeeding keeps the build's error up.
    await store.getState().buildPackage();
    expect(store.getState().error?.message).toBe('the disk is full');
    await store.getState().loadSignoff();
    expect(store.getState().error?.message).toBe('the disk is full');
    failBuild = false;
    await store.getState().buildPackage();
    expect(store.getState().error).toBeUndefined();
  });

  it('never keeps an email preview of an earlier sign-off state: gone on a change, on leaving the step, on reopening', async () => {
    let blockers = 2;
    let releaseDraft: (() => void) | undefined;
    const blocker = (i: number) => ({
      kind: 'checkpoint-needs-confirmation',
      checkpoint: `c${i}`,
      message: 'confirm it',
      fix: { action: 'confirm', checkpoint: `c${i}` },
      alternatives: [],
    });
    const fake = fakeApi({
      'signoff.status': () => ({
        ready: blockers === 0,
        blockers: Array.from({ length: blockers }, (_, i) => blocker(i)),
        scenarios: [],
        checkpoints: [],
        verifiedAt: new Date().toISOString(),
      }),
      'email.draft': async () => {
        const body = `${blockers} item(s) block sign-off`;
        if (releaseDraft === undefined) await new Promise<void>((r) => (releaseDraft = r));
        return { to: 'a@b.c', subject: 's', body, attachments: [], mailto: 'mailto:a@b.c', draft: blockers > 0 };
      },
      'checks.confirm': () => {
        blockers--;
        return { results: [] };
      },
    });
    const store = createAppStore(fake.api);
    await store.getState().openWorkspace('/ws');
    store.getState().goTo('email');
    const first = store.getState().loadEmail();
    await vi.waitFor(() => expect(releaseDraft).toBeDefined());
    releaseDraft!();
    await first;
    expect(store.getState().email?.body).toBe('2 item(s) block sign-off');

    // A fix changes what blocks sign-off: the preview goes at once and the new one follows.
    await store.getState().confirm('c0', true, 'checked');
    await vi.waitFor(() => expect(store.getState().signoff?.blockers).toHaveLength(1));
    expect(store.getState().email?.body).not.toBe('2 item(s) block sign-off');
    await vi.waitFor(() => expect(store.getState().email?.body).toBe('1 item(s) block sign-off'));

    // Leaving the step drops it; coming back starts from "loading", never from the one seen before.
    store.getState().goTo('checklist');
    expect(store.getState().email).toBeUndefined();
    await store.getState().confirm('c1', true, 'checked');
    store.getState().goTo('email');
    const again = store.getState().loadEmail();
    expect(store.getState().email).toBeUndefined();
    await again;
    expect(store.getState().email).toMatchObject({ body: '0 item(s) block sign-off', draft: false });
  });
});
