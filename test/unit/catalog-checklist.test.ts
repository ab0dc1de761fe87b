import { describe, expect, it } from 'vitest';
import {
  APPLE_PAY_RULES,
  CATALOG,
  CHECKPOINTS,
  INTEGRATION_TYPE_INFO,
  SCENARIOS,
  SCREENSHOT_SLOTS,
  SIGNOFF_EMAIL,
  type SlotTable,
} from '../../shared/aps/catalog';
import { referenceText } from '../helpers/reference';

// Walks the go-live page's own tables and bullet lists, and finds every row in the catalog. If APS's page gains a
// row, or the catalog loses one, this fails and names it.
const lines = referenceText('aps-go-live-checklist.txt')
  .split('\n')
  .map((l) => l.trim());

interface Table {
  heading: string;
  header: string;
  rows: string[];
}

const SLOT_TABLE_BY_HEADING: Record<string, SlotTable> = {
  'Required Screenshots': 'general',
  'KNET Integration Testing': 'KNET',
  'NAPS Integration Testing': 'NAPS',
  'BENEFIT Integration Testing': 'BENEFIT',
  'OmanNet Integration Testing': 'OMANNET',
  'STCPAY Integration Testing': 'STCPAY',
};
const HEADINGS = new Set([
  ...Object.keys(SLOT_TABLE_BY_HEADING),
  ...Object.values(INTEGRATION_TYPE_INFO).map((i) => i.checklistTable),
]);

function tables(): Table[] {
  const found: Table[] = [];
  let heading = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (HEADINGS.has(line)) heading = line;
    if (lines[i + 1]?.startsWith('---|') && /^(Screenshot|Check Point) \|/.test(line)) {
      const rows: string[] = [];
      let j = i + 2;
      while (j < lines.length && lines[j].includes(' |')) rows.push(lines[j++].split(' |')[0].trim());
      found.push({ heading, header: line, rows });
      i = j - 1;
    }
  }
  return found;
}

describe('the catalog covers the go-live checklist', () => {
  const all = tables();
  const screenshotTables = all.filter((t) => t.header.startsWith('Screenshot'));
  const checkTables = all.filter((t) => t.header.startsWith('Check Point'));

  it('finds the tables it walks', () => {
    expect(screenshotTables.length).toBe(6);
    expect(checkTables.length).toBe(7);
  });

  it('has every screenshot row of every method table as a slot of that table', () => {
    const missing: string[] = [];
    for (const t of screenshotTables) {
      const table = SLOT_TABLE_BY_HEADING[t.heading];
      expect(table, `no slot table for heading "${t.heading}"`).toBeDefined();
      for (const row of t.rows) {
        if (!SCREENSHOT_SLOTS.some((s) => s.table === table && s.checklistName === row))
          missing.push(`${table}: ${row}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has every checkpoint row of every verification table, applying to that integration type', () => {
    const missing: string[] = [];
    for (const t of checkTables) {
      const type = Object.values(INTEGRATION_TYPE_INFO).find((info) => info.checklistTable === t.heading);
      expect(type, `no integration type for table "${t.heading}"`).toBeDefined();
      for (const row of t.rows) {
        const covered = CHECKPOINTS.some((c) => c.checklistRows.includes(row) && c.appliesTo.includes(type!.id));
        if (!covered) missing.push(`${type!.id}: ${row}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has every required test scenario line as a scenario', () => {
    const bullets: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith('- ✅')) continue;
      let text = lines[i].slice(3).trim();
      // A bullet that wraps (e.g. "Delete card with / UPDATE_TOKEN / request") continues on the next lines.
      while (
        lines[i + 1] &&
        !lines[i + 1].startsWith('-') &&
        !lines[i + 1].includes(':') &&
        lines[i + 1].split(' ').length <= 2
      ) {
        text += ` ${lines[++i]}`;
      }
      bullets.push(text);
    }
    const networks = bullets.filter((b) =>
      APPLE_PAY_RULES.requiredNetworkLabels.some((n) => b === n || b.startsWith(`${n} (`)),
    );
    const tests = bullets.filter((b) => !networks.includes(b));
    expect(tests.length).toBe(10);
    expect(tests.filter((b) => !SCENARIOS.some((s) => s.checklistLine === b))).toEqual([]);
    expect(networks.length).toBe(APPLE_PAY_RULES.requiredNetworks.length);
  });

  it('has a success and a declined scenario for each local method, NAPS in both languages', () => {
    for (const m of ['knet', 'benefit', 'omannet', 'stcpay']) {
      expect(SCENARIOS.map((s) => s.id)).toEqual(expect.arrayContaining([`${m}-success`, `${m}-declined`]));
    }
    for (const id of ['naps-success-ar', 'naps-success-en', 'naps-declined-ar', 'naps-declined-en']) {
      expect(CATALOG.scenarios.has(id)).toBe(true);
    }
  });

  it('knows the sign-off address and subject the page gives', () => {
    const text = lines.join('\n');
    expect(text).toContain(SIGNOFF_EMAIL.to);
    expect(text).toContain(SIGNOFF_EMAIL.subjectPattern.replace('[Account Name]', '[Your Account Name]'));
    expect(text).toContain('max 20MB');
  });

  it('gives every checkpoint a stable unique id, a definition, and a guide when the user may have to confirm', () => {
    const ids = CHECKPOINTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of CHECKPOINTS) {
      expect(c.definition.length).toBeGreaterThan(20);
      if (c.proof !== 'evidence') expect(c.guide, c.id).toBeTruthy();
    }
  });
});
