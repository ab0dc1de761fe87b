import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

/** A fresh temp folder; `cleanup` removes it, and removeTempDirs() removes every one this test file still has. */
export function tempDir(prefix = 'certkit-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.add(dir);
  return {
    dir,
    cleanup: () => {
      made.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** For afterAll: some folders hold hundreds of MB (the 300-screenshot package), so none is left behind. */
export function removeTempDirs(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}
