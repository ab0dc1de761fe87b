import { promises as fs } from 'node:fs';
import type { Rectangle } from 'electron';
import { writeJsonAtomic } from './engine/util/atomic-write';

export interface WindowState {
  bounds: Rectangle;
  maximized: boolean;
}

export const DEFAULT_WINDOW: WindowState = { bounds: { x: 0, y: 0, width: 1320, height: 860 }, maximized: false };

/** The last window size and place, so the app opens where it was left. */
export async function loadWindowState(file: string): Promise<WindowState> {
  const raw = (await fs.readFile(file, 'utf8').then(JSON.parse, () => undefined)) as Partial<WindowState> | undefined;
  const b = raw?.bounds;
  if (!b || ![b.x, b.y, b.width, b.height].every((n) => Number.isFinite(n)) || b.width < 640 || b.height < 480)
    return DEFAULT_WINDOW;
  return { bounds: b, maximized: !!raw?.maximized };
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeJsonAtomic(file, state);
}
