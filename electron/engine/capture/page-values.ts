import type { Page } from 'puppeteer-core';
import type { ExtractRule } from '../../../shared/schema/workspace';
import { bestEffort, type Report } from '../util/best-effort';
import { valuesFromText } from './ledger';

/**
 * Identifiers that only the merchant's pages show (a receipt's reference, a KNET ref number), read with the
 * flow's extract rules from every captured page; a later page's value wins.
 */
export class PageValues {
  readonly values: Record<string, string> = {};
  private readonly selectorRules: ExtractRule[];

  constructor(
    private readonly rules: ExtractRule[],
    private readonly report: Report,
  ) {
    this.selectorRules = rules.filter((r) => r.selector);
  }

  /** Pattern rules over the page text already captured; selector rules in the page, in one round trip. */
  async read(page: Page, text: string): Promise<void> {
    Object.assign(this.values, valuesFromText(this.rules, text));
    if (!this.selectorRules.length) return;
    const found = await bestEffort(
      `reading the extract rules on ${page.url()}`,
      page.evaluate((rules: ExtractRule[]) => {
        const out: Record<string, string> = {};
        for (const rule of rules) {
          const el = document.querySelector(rule.selector!);
          if (!el) continue;
          let value = ((el as HTMLInputElement).value ?? el.textContent ?? '').trim() || (el.textContent ?? '').trim();
          if (rule.pattern) {
            const m = new RegExp(rule.pattern, 'u').exec(value);
            if (!m) continue;
            value = (m[1] ?? m[0]).trim();
          }
          if (value) out[rule.field] = value;
        }
        return out;
      }, this.selectorRules),
      this.report,
      {} as Record<string, string>,
    );
    Object.assign(this.values, found);
  }
}
