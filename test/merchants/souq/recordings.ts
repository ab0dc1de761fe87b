// Souq's raw Recorder exports (test/fixtures/recordings/souq/<flow id>.json) and the one change a replay against
// other servers needs: their origins.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Schema } from '@puppeteer/replay';
import type { FlowId } from './flows';

export const RECORDINGS_DIR = fileURLToPath(new URL('../../fixtures/recordings/souq/', import.meta.url));

export function recordingText(id: FlowId): string {
  return readFileSync(`${RECORDINGS_DIR}${id}.json`, 'utf8');
}

/** Every origin an export names, the shop's (its first navigate step) first. */
export function recordedOrigins(text: string): { shop: string; others: string[] } {
  const flow = JSON.parse(text) as Schema.UserFlow;
  const first = flow.steps.find((s): s is Schema.NavigateStep => s.type === 'navigate');
  if (!first) throw new Error('the recording has no navigate step');
  const shop = new URL(first.url).origin;
  const all = new Set(text.match(/https?:\/\/[A-Za-z0-9.-]+(?::\d+)?/g) ?? []);
  all.delete(shop);
  return { shop, others: [...all] };
}

/** The export with the shop's recorded origin swapped for `shopOrigin` and every other origin for `apsOrigin`. */
export function retarget(text: string, shopOrigin: string, apsOrigin: string): Schema.UserFlow {
  const { shop } = recordedOrigins(text);
  const swapped = text.replace(/https?:\/\/[A-Za-z0-9.-]+(?::\d+)?/g, (o) => (o === shop ? shopOrigin : apsOrigin));
  return JSON.parse(swapped) as Schema.UserFlow;
}
