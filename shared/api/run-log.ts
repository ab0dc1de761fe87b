import { z } from 'zod';
import { both, joinBoth, type Bilingual } from '../text';

// What a line of the app's run log says, as data: the run tracker (electron/engine/api/run-tracker.ts) records the
// event, and the one table below says it in English (the line the tracker keeps as text) and in Arabic (what the
// Run step shows in the Arabic view). An engine error inside a line is quoted as the engine gave it.

const errorTextSchema = z.object({ message: z.string(), hint: z.string().optional() });

export const LOG_SCENARIO_ENDS = ['passed', 'failed', 'skipped', 'stopped'] as const;

export const logEventSchema = z.discriminatedUnion('kind', [
  /** The app asked for a run; `resume` skips the scenarios already complete. */
  z.object({ kind: z.literal('run-starting'), runId: z.string(), resume: z.boolean() }),
  z.object({
    kind: z.literal('run-started'),
    runId: z.string(),
    scenarios: z.number().int(),
    browser: z.string().optional(),
  }),
  z.object({ kind: z.literal('scenario-started'), scenarioId: z.string() }),
  z.object({
    kind: z.literal('scenario-finished'),
    scenarioId: z.string(),
    status: z.enum(LOG_SCENARIO_ENDS),
    error: z.string().optional(),
    /** The reason in Arabic; an older run, or a browser's own words, has only the English. */
    errorAr: z.string().optional(),
    merchantReference: z.string().optional(),
  }),
  /** Something that went wrong on the side; the engine's message as it gave it. */
  z.object({ kind: z.literal('warning'), scenarioId: z.string().optional(), message: z.string() }),
  z.object({ kind: z.literal('stop-requested') }),
  /** The run itself failed; the engine's error, with its Arabic when it wrote one. */
  z.object({ kind: z.literal('run-failed'), error: errorTextSchema, ar: errorTextSchema.optional() }),
  z.object({
    kind: z.literal('run-finished'),
    runId: z.string(),
    passed: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    stopped: z.number().int(),
    /** The person pressed Stop. */
    userStopped: z.boolean(),
  }),
]);
export type LogEvent = z.infer<typeof logEventSchema>;

const SCENARIO_ENDS: Record<(typeof LOG_SCENARIO_ENDS)[number], Bilingual> = {
  passed: both('passed', 'نجح'),
  failed: both('failed', 'فشل'),
  skipped: both('skipped', 'تُخطّي'),
  stopped: both('stopped', 'أُوقف'),
};

function withFix(text: z.infer<typeof errorTextSchema>, fix: string): string {
  return text.hint ? `${text.message}\n  ${fix}: ${text.hint}` : text.message;
}

/** A log line in both languages. */
export function logText(event: LogEvent): Bilingual {
  switch (event.kind) {
    case 'run-starting':
      return event.resume
        ? both(
            `starting run ${event.runId} (resume: complete scenarios are skipped)`,
            `بدء التشغيل ${event.runId} (استئناف: تُتخطّى السيناريوهات المكتملة)`,
          )
        : both(`starting run ${event.runId}`, `بدء التشغيل ${event.runId}`);
    case 'run-started': {
      const n = event.scenarios;
      return event.browser
        ? both(
            `run ${event.runId}: ${n} scenarios in ${event.browser}`,
            `التشغيل ${event.runId}: ${n} سيناريو في ${event.browser}`,
          )
        : both(`run ${event.runId}: ${n} scenarios`, `التشغيل ${event.runId}: ${n} سيناريو`);
    }
    case 'scenario-started':
      return both(`${event.scenarioId}: started`, `${event.scenarioId}: بدأ`);
    case 'scenario-finished': {
      const end = SCENARIO_ENDS[event.status];
      const error = event.error ? ` (${event.error})` : '';
      const errorAr = event.errorAr ?? event.error;
      const ref = event.merchantReference;
      return both(
        `${event.scenarioId}: ${end.en}${error}${ref ? ` ref ${ref}` : ''}`,
        `${event.scenarioId}: ${end.ar}${errorAr ? ` (${errorAr})` : ''}${ref ? ` المرجع ${ref}` : ''}`,
      );
    }
    case 'warning':
      return both(
        `${event.scenarioId ? `${event.scenarioId}: ` : ''}${event.message}`,
        `${event.scenarioId ? `${event.scenarioId}: ` : ''}تنبيه: ${event.message}`,
      );
    case 'stop-requested':
      return both(
        'stop requested: scenarios in flight end now, their evidence so far is kept',
        'طُلب الإيقاف: تنتهي السيناريوهات الجارية الآن، وتُحفظ أدلتها حتى هذه اللحظة',
      );
    case 'run-failed':
      return both(withFix(event.error, 'fix'), withFix(event.ar ?? event.error, 'الحل'));
    case 'run-finished': {
      const counts = [
        both(`${event.passed} passed`, `نجح ${event.passed}`),
        both(`${event.failed} failed`, `فشل ${event.failed}`),
      ];
      if (event.skipped) counts.push(both(`${event.skipped} skipped`, `تُخطّي ${event.skipped}`));
      if (event.stopped) counts.push(both(`${event.stopped} stopped`, `أُوقف ${event.stopped}`));
      const all = joinBoth(counts, ', ');
      return both(
        `run ${event.runId} finished: ${all.en}${event.userStopped ? ' (stopped)' : ''}`,
        `انتهى التشغيل ${event.runId}: ${all.ar}${event.userStopped ? ' (أُوقف)' : ''}`,
      );
    }
  }
}
