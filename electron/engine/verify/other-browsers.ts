import type { BrowserPass } from '../evidence/browser-passes';
import type { Check } from './context';

const FAMILY = { chromium: 'Chromium', firefox: 'Firefox' } as const;

/** "firefox/153.0" → "153.0"; "HeadlessChrome/140.0.7339.80" → "140.0.7339.80". */
const versionOf = (v: string) => v.split('/').pop() ?? v;

// APS tests on Chrome and asks the merchant to confirm the flows on other browsers and systems. Certkit can show
// which of the flows passed in which browser family it drove (Chromium, Firefox); Safari, Edge on Windows and phones
// stay the engineer's to confirm, so this checkpoint never passes on evidence alone.
export const checkOtherBrowsers: Check = (ctx, checkpoint) => {
  const planned = ctx.plan.scenarios.map((s) => s.id);
  const passes = (ctx.browserPasses ?? []).filter((p) => planned.includes(p.scenarioId));
  const families = (['chromium', 'firefox'] as const).map((engine) => {
    const mine = passes.filter((p) => p.engine === engine);
    const scenarios = [...new Set(mine.map((p) => p.scenarioId))];
    const versions = [...new Set(mine.map((p) => versionOf(p.version)))];
    return { engine, scenarios, versions, first: mine[0] as BrowserPass | undefined };
  });
  const seen = families.filter((f) => f.scenarios.length);
  const line = (f: (typeof families)[number]) =>
    `${FAMILY[f.engine]} ${f.versions.join(', ')}: ${f.scenarios.length} of ${planned.length} scenarios passed`;
  const firefox = families.find((f) => f.engine === 'firefox')!;
  const missing = planned.filter((id) => !firefox.scenarios.includes(id));
  const summary = seen.length
    ? `${seen.map(line).join('; ')}${firefox.scenarios.length && missing.length ? ` (not in Firefox: ${missing.join(', ')})` : ''}`
    : 'No run recorded its browser yet';
  return {
    status: 'needs-confirmation',
    summary,
    fix: `${firefox.scenarios.length ? '' : 'Run the flows in Firefox too (certkit run <workspace> --browser firefox). '}Safari and phones cannot be driven by Certkit: ${checkpoint.guide ?? 'check them yourself.'} Then confirm: certkit verify <workspace> --confirm ${checkpoint.id} --note "browsers and systems you checked".`,
    evidence: seen.map((f) => ({
      scenarioId: f.first!.scenarioId,
      kind: 'field' as const,
      ref: 'browser',
      detail: `${line(f)} (e.g. run ${f.first!.runId})`,
    })),
  };
};
