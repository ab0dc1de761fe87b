import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './engine/cli/main';

// `npm start`: the desktop app when Electron's binary is installed, else the same wizard in the browser host.
// Runs in plain Node (never imports 'electron' as a module: without its binary that import throws).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron binary's path, or undefined when only the npm package (types) is installed. */
export function electronBinary(): string | undefined {
  try {
    const found = createRequire(import.meta.url)('electron') as unknown;
    return typeof found === 'string' ? found : undefined;
  } catch {
    return undefined;
  }
}

async function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
    child.on('error', () => resolve(1));
  });
}

const args = process.argv.slice(2);
const binary = electronBinary();
if (binary) {
  const built = await run(process.execPath, [path.join(root, 'build', 'build-electron.mjs')]);
  process.exitCode = built === 0 ? await run(binary, [root, ...args]) : built;
} else {
  process.stdout.write("Electron's binary is not installed here; starting the browser host instead.\n");
  await runProcess(['app', ...args]);
}
