import { describe, expect, it } from 'vitest';
import { toApiError } from '../../electron/engine/api/dispatch';
import { RunTracker } from '../../electron/engine/api/run-tracker';
import { validateFlow } from '../../electron/engine/capture/flow-file';
import { CertkitError, describeError, diskWriteError } from '../../electron/engine/errors';
import { parseJsonText } from '../../electron/engine/read-input';
import type { LogEntry } from '../../shared/api/contract';
import { EVENTS } from '../../shared/api/contract';
import { ApiCallError, isApiError, unwrapReply } from '../../shared/api/reply';
import { logText } from '../../shared/api/run-log';
import { both, readsArabic } from '../../shared/text';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('errors in both languages', () => {
  it('a CertkitError written in both languages keeps its English for the CLI and carries the Arabic in the envelope', () => {
    const err = new CertkitError(both('the flow is broken', 'المسار معطوب'), {
      hint: both('record it again', 'سجّله من جديد'),
    });
    expect(err.message).toBe('the flow is broken');
    expect(describeError(err)).toBe('the flow is broken\n  fix: record it again');
    expect(toApiError(err)).toEqual({
      message: 'the flow is broken',
      hint: 'record it again',
      code: 'input',
      ar: { message: 'المسار معطوب', hint: 'سجّله من جديد' },
    });
    // English only: no Arabic claimed; an English hint under an Arabic message is not passed off as Arabic.
    expect(toApiError(new CertkitError('plain', { hint: 'fix it' }))).not.toHaveProperty('ar');
    expect(toApiError(new CertkitError(both('a', 'أ'), { hint: 'English fix' })).ar).toEqual({ message: 'أ' });
  });

  it('the envelope check accepts a well-formed ar and refuses a malformed one as a transport error', () => {
    const good = { message: 'm', hint: 'h', code: 'input', ar: { message: 'رسالة', hint: 'حل' } };
    expect(isApiError(good)).toBe(true);
    expect(isApiError({ message: 'm', ar: { message: 'رسالة' } })).toBe(true);
    for (const ar of ['رسالة', { hint: 'حل' }, { message: 1 }, { message: 'رسالة', hint: 2 }, null])
      expect(isApiError({ message: 'm', ar }), JSON.stringify(ar)).toBe(false);

    const err = thrown(() => unwrapReply('flows.import', { ok: false, error: good }));
    expect(err).toBeInstanceOf(ApiCallError);
    expect((err as ApiCallError).ar).toEqual({ message: 'رسالة', hint: 'حل' });
    const bad = thrown(() => unwrapReply('flows.import', { ok: false, error: { message: 'm', ar: 'رسالة' } }));
    expect((bad as ApiCallError).code).toBe('transport');
    expect(readsArabic((bad as ApiCallError).ar!.message)).toBe(true);
  });

  it('flow import refusals read Arabic beside unchanged English', () => {
    const syntax = thrown(() => parseJsonText('{"title": "x",, }', { what: 'card-declined.json' })) as CertkitError;
    expect(syntax.message).toBe(
      'card-declined.json is not valid JSON: a property name in double quotes was expected (a trailing comma is the usual cause) at line 1, column 15',
    );
    expect(syntax.ar?.message).toMatch(/^card-declined\.json ليس JSON صالحًا: .* في السطر 1، العمود 15$/);
    expect(readsArabic(syntax.ar!.hint!)).toBe(true);

    const invalid = thrown(() => validateFlow({ title: 'x', steps: [{ type: 'nosuch' }] }, 'x.json')) as CertkitError;
    expect(invalid.message).toMatch(/^x\.json: step 1 is invalid/);
    expect(invalid.ar?.message).toMatch(/^x\.json: الخطوة 1 غير صالحة/);
    expect(readsArabic(invalid.ar!.hint!)).toBe(true);
  });

  it('a disk refusal names the path and the fix in both languages', () => {
    const refusal = Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'write', path: '/w/x' });
    const err = diskWriteError(refusal, '/w/certkit.json') as CertkitError;
    expect(err.message).toBe('cannot write /w/certkit.json: the disk is full (ENOSPC)');
    expect(err.ar?.message).toBe('تعذّرت الكتابة في /w/certkit.json: القرص ممتلئ (ENOSPC)');
    expect(readsArabic(err.ar!.hint!)).toBe(true);
  });
});

describe('run log lines', () => {
  it('carry their event, whose English is the line and whose Arabic the app shows', () => {
    const log: LogEntry[] = [];
    const tracker = new RunTracker((name, payload) => {
      if (name === 'run.log') log.push(EVENTS['run.log'].parse(payload));
    });
    tracker.handle({ type: 'run-started', runId: 'r1', scenarios: ['a', 'b'], browser: 'chromium' });
    tracker.handle({ type: 'scenario-started', runId: 'r1', scenarioId: 'a' });
    tracker.handle({
      type: 'scenario-finished',
      runId: 'r1',
      scenarioId: 'a',
      status: 'passed',
      merchantReference: 'R-1',
    });
    tracker.handle({ type: 'warning', runId: 'r1', scenarioId: 'b', message: 'log not read' });
    tracker.stopped = true;
    tracker.handle({ type: 'scenario-finished', runId: 'r1', scenarioId: 'b', status: 'failed', error: 'stopped' });
    tracker.finish('r1');

    expect(log.map((l) => l.line)).toEqual([
      'run r1: 2 scenarios in chromium',
      'a: started',
      'a: passed ref R-1',
      'b: log not read',
      'b: stopped (stopped)',
      'run r1 finished: 1 passed, 0 failed, 1 stopped (stopped)',
    ]);
    for (const entry of log) {
      expect(entry.event, entry.line).toBeDefined();
      expect(logText(entry.event!).en).toBe(entry.line);
      expect(readsArabic(logText(entry.event!).ar), entry.line).toBe(true);
    }
    expect(logText(log[2].event!).ar).toBe('a: نجح المرجع R-1');
    expect(logText(log.at(-1)!.event!).ar).toBe('انتهى التشغيل r1: نجح 1، فشل 0، أُوقف 1 (أُوقف)');
  });

  it('a run that fails says the engine error with its Arabic when it has one', () => {
    const text = logText({
      kind: 'run-failed',
      error: { message: 'no workspace is open', hint: 'open one' },
      ar: { message: 'لا توجد مساحة عمل مفتوحة', hint: 'افتح واحدة' },
    });
    expect(text).toEqual({
      en: 'no workspace is open\n  fix: open one',
      ar: 'لا توجد مساحة عمل مفتوحة\n  الحل: افتح واحدة',
    });
  });
});
