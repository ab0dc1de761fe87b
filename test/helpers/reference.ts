import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The official reference texts live beside the repository (../shared/reference), not inside it.
const candidates = [
  process.env.CERTKIT_REFERENCE_DIR,
  path.resolve(__dirname, '../../../shared/reference'),
].filter((p): p is string => !!p);

export function referenceText(name: string): string {
  for (const dir of candidates) {
    const file = path.join(dir, name);
    if (existsSync(file)) return readFileSync(file, 'utf8');
  }
  throw new Error(`Reference file ${name} not found in ${candidates.join(', ')}; set CERTKIT_REFERENCE_DIR to the folder holding it`);
}
