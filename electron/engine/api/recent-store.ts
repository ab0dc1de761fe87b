import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../util/atomic-write';
import type { RecentStore } from './context';

const MAX_RECENT = 8;
const recentSchema = z.object({ dirs: z.array(z.string()).default([]) });

/** Recently opened workspaces, newest first, in a small JSON file of the app's own state folder. */
export class FileRecentStore implements RecentStore {
  constructor(private readonly file: string) {}

  async list(): Promise<string[]> {
    const raw = await fs.readFile(this.file, 'utf8').then(JSON.parse, () => ({}));
    const parsed = recentSchema.safeParse(raw);
    return parsed.success ? parsed.data.dirs : [];
  }

  async add(dir: string): Promise<void> {
    const abs = path.resolve(dir);
    const dirs = [abs, ...(await this.list()).filter((d) => d !== abs)].slice(0, MAX_RECENT);
    await writeJsonAtomic(this.file, { dirs });
  }
}

export class MemoryRecentStore implements RecentStore {
  #dirs: string[] = [];
  async list(): Promise<string[]> {
    return [...this.#dirs];
  }
  async add(dir: string): Promise<void> {
    const abs = path.resolve(dir);
    this.#dirs = [abs, ...this.#dirs.filter((d) => d !== abs)].slice(0, MAX_RECENT);
  }
}
