import type { BrowserPass } from '../evidence/browser-passes';
import { checkpointTextAr } from '../../../shared/aps/catalog-ar';
import { both, concatBoth, joinBoth, type Bilingual } from '../../../shared/text';
import type { Check } from './context';

const FAMILY = { chromium: 'Chromium', firefox: 'Firefox' } as const;

/** "firefox/153.0" → "153.0"; "HeadlessChrome/140.0.7339.80" → "140.0.7339.80". */
const versionOf = (v: string) => v.split('/').pop() ?? v;

/** What the other-browsers checkpoint says, English beside Arabic. */
const TEXT = {
  family: (name: string, versions: string[], passed: number, planned: number) =>
    both(
      `${name} ${versions.join(', ')}: ${passed} of ${planned} scenarios passed`,
      `${name} ${versions.join('، ')}: السيناريوهات الناجحة ${passed} من ${planned}`,
    ),
  notInFirefox: (ids: string[]) =>
    both(` (not in Firefox: ${ids.join(', ')})`, ` (لم تنجح في Firefox: ${ids.join('، ')})`),
  noBrowser: both('No run recorded its browser yet', 'لم يُسجِّل أي تشغيل متصفّحه بعد'),
  runFirefox: both(
    'Run the flows in Firefox too (certkit run <workspace> --browser firefox). ',
    'شغّل المسارات في Firefox أيضًا (certkit run <workspace> --browser firefox). ',
  ),
  fix: (guide: Bilingual, id: string) =>
    both(
      `Safari and phones cannot be driven by Certkit: ${guide.en} Then confirm: certkit verify <workspace> --confirm ${id} --note "browsers and systems you checked".`,
      `لا يستطيع Certkit تشغيل Safari ولا الهواتف: ${guide.ar} ثم أكّده بملاحظة تذكر المتصفحات والأنظمة التي فحصتها: certkit verify <workspace> --confirm ${id} --note "…".`,
    ),
};

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
    TEXT.family(FAMILY[f.engine], f.versions, f.scenarios.length, planned.length);
  const firefox = families.find((f) => f.engine === 'firefox')!;
  const missing = planned.filter((id) => !firefox.scenarios.includes(id));
  const summary = seen.length
    ? concatBoth(
        joinBoth(seen.map(line)),
        firefox.scenarios.length && missing.length ? TEXT.notInFirefox(missing) : undefined,
      )
    : TEXT.noBrowser;
  // The Arabic guide comes from the catalog's Arabic table; until it has this checkpoint, the English guide stands in.
  const guideEn = checkpoint.guide ?? 'check them yourself.';
  const guide = both(guideEn, checkpointTextAr(checkpoint.id)?.guide ?? (checkpoint.guide ? guideEn : 'افحصها بنفسك.'));
  return {
    status: 'needs-confirmation',
    summary,
    fix: concatBoth(firefox.scenarios.length ? undefined : TEXT.runFirefox, TEXT.fix(guide, checkpoint.id)),
    evidence: seen.map((f) => ({
      scenarioId: f.first!.scenarioId,
      kind: 'field' as const,
      ref: 'browser',
      detail: `${line(f).en} (e.g. run ${f.first!.runId})`,
    })),
  };
};
