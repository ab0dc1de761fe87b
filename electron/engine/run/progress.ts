import { assertNever } from '../../../shared/assert-never';
import type { RunEvent } from '../../../shared/schema/events';
import type { RunSummary } from './index';
import { printable } from '../../../shared/printable';

interface Out {
  write(text: string): unknown;
}

/** Progress for a terminal (one redrawn bar) or a log (one line per event that matters). */
export function progressPrinter(out: Out, isTTY: boolean): (e: RunEvent) => void {
  let total = 0;
  let done = 0;
  const active = new Map<string, string>();
  const bar = () => {
    const width = 24;
    const filled = total ? Math.round((done / total) * width) : 0;
    const current = [...active.entries()].map(([id, label]) => `${id}: ${label}`).join(' | ');
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${current}`;
    out.write(`\r\x1b[2K${printable(line).slice(0, 160)}`);
  };
  return (e) => {
    switch (e.type) {
      case 'run-started':
        total = e.scenarios.length;
        out.write(`run ${e.runId}: ${total} scenario(s)${e.browser ? ` in ${e.browser}` : ''}\n`);
        break;
      case 'scenario-started':
        active.set(e.scenarioId, 'starting');
        if (!isTTY) out.write(`${e.scenarioId}: started\n`);
        break;
      case 'step':
        active.set(e.scenarioId, `${e.step}/${e.total} ${e.label}`);
        break;
      case 'captured':
        if (!isTTY) out.write(printable(`${e.scenarioId}: captured ${e.file}${e.slot ? ` (${e.slot})` : ''}\n`));
        break;
      case 'scenario-finished':
        done++;
        active.delete(e.scenarioId);
        if (isTTY) out.write(`\r\x1b[2K`);
        // Step labels, errors and references come from flows and pages: printed without control characters.
        out.write(
          printable(
            `${e.scenarioId}: ${e.status}${e.merchantReference ? ` ${e.merchantReference}` : ''}${e.error && e.status !== 'skipped' ? ` — ${e.error}` : ''}\n`,
          ),
        );
        break;
      case 'warning':
        if (isTTY) out.write(`\r\x1b[2K`);
        out.write(printable(`warning: ${e.scenarioId ? `${e.scenarioId}: ` : ''}${e.message}\n`));
        break;
      case 'run-finished':
        if (isTTY) out.write(`\r\x1b[2K`);
        return;
      default:
        assertNever(e, 'run event');
    }
    if (isTTY && e.type !== 'run-started') bar();
  };
}

export function summaryRows(summary: RunSummary): string[][] {
  return summary.results.map((r) => [r.scenarioId, r.status, r.merchantReference ?? '-', String(r.screenshots)]);
}
