import path from 'node:path';
import { PAYMENT_METHODS, METHOD_IDS, type Language, type MethodId } from '../../../shared/aps/methods';
import type { Outcome, Scenario } from '../../../shared/aps/scenarios';
import { CATALOG } from '../../../shared/aps/catalog-index';
import { buildPlan, slotsForScenario } from '../../../shared/plan';
import type { LedgerValues, ScenarioEvidence, ScenarioState, Snippet } from '../../../shared/schema/evidence';
import type { Workspace } from '../../../shared/schema/workspace';
import type { CollectedEvidence } from '../evidence/store';

/** One image in a package file. Paths are relative to the workspace folder. */
export interface PlannedEntry {
  kind: 'page' | 'snippet';
  /** Path inside the zip: a folder per scenario, names saying order, method, outcome, slot and merchant reference. */
  name: string;
  source: string;
  /** For snippets: the code file; the image is rendered at build time. */
  snippetLanguage?: string;
  scenarioId?: string;
  scenarioTitle: string;
  method?: MethodId;
  outcome?: Outcome;
  language: Language;
  slot?: string;
  slotName: string;
  url: string;
  pageTitle: string;
  capturedAt: string;
  timeZone?: string;
  /** The scenario's ledger (merchant_reference, fort_id, agreement_id, ...), by its own field names. */
  ledger?: LedgerValues;
  width?: number;
  height?: number;
}

/** One scenario as the manifest, cover page and email list it. */
export interface PlannedScenario {
  id: string;
  title: string;
  method: MethodId;
  outcome: Outcome;
  language: Language;
  status: ScenarioState;
  /** The run the evidence comes from (its newest, or the one pinned). */
  runId?: string;
  pinned: boolean;
  /** The identifiers APS asks for, by the ledger's own field names; empty before the scenario ran. */
  ledger: LedgerValues;
  finishedAt?: string;
  /** The URL of the scenario's last packed screenshot (the result page). */
  url?: string;
}

export interface PlannedFile {
  /** 'general', '<method>-<outcome>' for per-outcome methods, '<method>' for combined ones. */
  group: string;
  /** File name without extension (and without a part suffix). */
  baseName: string;
  title: string;
  method?: MethodId;
  outcome?: Outcome | 'both';
  scenarios: PlannedScenario[];
  entries: PlannedEntry[];
  /** Slots the checklist asks for that have no image yet, as readable lines. */
  missing: string[];
  /** The same, as data: the slot, and the scenario that should fill it (none for code snippets). */
  missingSlots: MissingSlot[];
}

export interface MissingSlot {
  slot: string;
  scenarioId?: string;
  /** The scenario has evidence (so the page was not captured or not tagged), rather than not having run. */
  scenarioRan: boolean;
}

export interface PackagePlan {
  files: PlannedFile[];
}

export interface PlanExtras {
  snippets?: Snippet[];
}

const OUTCOME_WORD: Record<Outcome, string> = { success: 'success', declined: 'declined' };

export function slug(text: string, max = 40): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return s.slice(0, max).replace(/[-.]+$/, '');
}

function accountSlug(ws: Workspace): string {
  return slug(ws.account.name, 30) || slug(ws.account.merchantIdentifier ?? '', 30) || 'account';
}

function groupOf(s: Scenario): { group: string; method?: MethodId; outcome?: Outcome | 'both' } {
  const packing = PAYMENT_METHODS[s.method].packing;
  const m = s.method.toLowerCase();
  if (packing === 'per-outcome') return { group: `${m}-${s.outcome}`, method: s.method, outcome: s.outcome };
  if (packing === 'combined') return { group: m, method: s.method, outcome: 'both' };
  return { group: 'general' };
}

function groupTitle(group: string, method?: MethodId, outcome?: Outcome | 'both'): string {
  if (!method) return 'General package: required screenshots and test scenarios';
  const label = PAYMENT_METHODS[method].label;
  if (outcome === 'both') return `${label}: success and declined transactions`;
  return `${label}: ${outcome === 'success' ? 'successful' : 'declined'} transaction`;
}

function scenarioRow(s: Scenario, ev: ScenarioEvidence | undefined, pinned: boolean): PlannedScenario {
  return {
    pinned,
    id: s.id,
    title: s.title,
    method: s.method,
    outcome: s.outcome,
    language: s.language,
    status: ev?.status ?? 'not-run',
    runId: ev?.runId,
    ledger: ev?.ledger.values ?? {},
    finishedAt: ev?.finishedAt,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Which image goes into which file, under which name, derived from the catalog: the methods' packing rule decides
 * the files, the scenario's slot list decides what each must hold, and the step order gives the flow order.
 */
export function planPackage(workspace: Workspace, evidence: CollectedEvidence, extras: PlanExtras = {}): PackagePlan {
  const plan = buildPlan(workspace);
  const files = new Map<string, PlannedFile>();
  const fileFor = (s: Scenario | undefined): PlannedFile => {
    const g = s ? groupOf(s) : { group: 'general' };
    let f = files.get(g.group);
    if (!f) {
      const tail = g.method
        ? `${g.method.toLowerCase()}${g.outcome && g.outcome !== 'both' ? `_${g.outcome}` : ''}`
        : 'general';
      f = {
        group: g.group,
        baseName: `${accountSlug(workspace)}_${tail}`,
        title: groupTitle(g.group, g.method, g.outcome),
        method: g.method,
        outcome: g.outcome,
        scenarios: [],
        entries: [],
        missing: [],
        missingSlots: [],
      };
      files.set(g.group, f);
    }
    return f;
  };
  // The general file exists whenever cards or Apple Pay are in play, even before any capture, so it is never dropped silently.
  const scenarioIndex = new Map<string, number>();
  for (const s of plan.scenarios) {
    const f = fileFor(s);
    const ev = evidence.byScenario.get(s.id);
    const row = scenarioRow(s, ev, !!evidence.choices.get(s.id)?.pinned);
    f.scenarios.push(row);
    const index = (scenarioIndex.get(f.group) ?? 0) + 1;
    scenarioIndex.set(f.group, index);
    const folder = `${pad(index)}_${s.id}`;
    const wanted = slotsForScenario(s, workspace).filter((id) => CATALOG.slots.get(id).kind === 'page');
    const shots = (ev?.screenshots ?? [])
      .filter((sh) => !sh.failure && sh.slot && wanted.includes(sh.slot))
      .sort((a, b) => a.step - b.step || wanted.indexOf(a.slot!) - wanted.indexOf(b.slot!));
    const ref = slug(row.ledger.merchant_reference ?? '', 40) || 'no-ref';
    const methodWord = s.method.toLowerCase();
    const lang = PAYMENT_METHODS[s.method].languages.length > 1 ? `_${s.language}` : '';
    shots.forEach((sh, i) => {
      const slotInfo = CATALOG.slots.get(sh.slot!);
      const slotWord = slug(slotInfo.id.split('.')[1].replace(/_/g, '-'));
      f.entries.push({
        kind: 'page',
        name: `${folder}/${pad(i + 1)}_${methodWord}_${OUTCOME_WORD[s.outcome]}${lang}_${slotWord}_${ref}.jpg`,
        source: path.posix.join('runs', ev!.runId, s.id, sh.file.split(path.sep).join('/')),
        scenarioId: s.id,
        scenarioTitle: s.title,
        method: s.method,
        outcome: s.outcome,
        language: s.language,
        slot: slotInfo.id,
        slotName: slotInfo.checklistName,
        url: sh.url,
        pageTitle: sh.title,
        capturedAt: sh.capturedAt,
        timeZone: sh.timeZone,
        ledger: row.ledger,
        width: sh.width,
        height: sh.height,
      });
    });
    if (shots.length) row.url = shots[shots.length - 1].url;
    for (const id of wanted) {
      if (!shots.some((sh) => sh.slot === id)) {
        f.missing.push(`${s.title}: ${CATALOG.slots.get(id).checklistName}${ev ? '' : ' (scenario not run)'}`);
        f.missingSlots.push({ slot: id, scenarioId: s.id, scenarioRan: !!ev });
      }
    }
  }
  // Code evidence is not tied to one run: it goes with the general package, after the scenarios.
  const snippetSlots = plan.slots.filter((p) => p.slot.kind === 'snippet').map((p) => p.slot);
  snippetSlots.sort((a, b) => CATALOG.slots.order(a.id) - CATALOG.slots.order(b.id));
  snippetSlots.forEach((slotInfo, i) => {
    const f = fileFor(undefined);
    const sn = extras.snippets?.find((x) => x.slot === slotInfo.id);
    if (!sn) {
      f.missing.push(`Code snippet: ${slotInfo.checklistName} (add it with \`certkit snippet\`)`);
      f.missingSlots.push({ slot: slotInfo.id, scenarioRan: false });
      return;
    }
    f.entries.push({
      kind: 'snippet',
      name: `90_code-snippets/${pad(i + 1)}_${slug(slotInfo.id.replace(/[._]/g, '-'))}.jpg`,
      source: sn.file,
      snippetLanguage: sn.language,
      scenarioTitle: 'Code snippet',
      language: 'en',
      slot: slotInfo.id,
      slotName: slotInfo.checklistName,
      url: '',
      pageTitle: sn.file,
      capturedAt: sn.addedAt,
    });
  });
  const order = (f: PlannedFile) => {
    if (!f.method) return -1;
    return METHOD_IDS.indexOf(f.method) * 3 + (f.outcome === 'declined' ? 2 : f.outcome === 'success' ? 1 : 0);
  };
  return { files: [...files.values()].sort((a, b) => order(a) - order(b)) };
}
