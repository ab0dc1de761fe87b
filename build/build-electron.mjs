// Bundles the Electron shell: main (ESM, like the package) and the sandboxed preload (CommonJS, which is all a
// sandboxed preload can be), then copies the built renderer beside them. Dependencies stay external (node_modules).
// The bundle sits three folders below the project root (build/out/electron/), the same depth as the engine's
// modules (electron/engine/<area>/), so their import.meta.url-relative paths (assets/demo-flows, ...) still resolve.
// build/out/main.js (package.json "main") only imports it.
import { cp, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'build', 'out', 'electron');
await mkdir(out, { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
  tsconfig: path.join(root, 'tsconfig.json'),
};
await build({
  ...common,
  entryPoints: [path.join(root, 'electron', 'main.ts')],
  outfile: path.join(out, 'main.js'),
  format: 'esm',
  packages: 'external',
});
await build({
  ...common,
  entryPoints: [path.join(root, 'electron', 'preload.ts')],
  outfile: path.join(out, 'preload.cjs'),
  format: 'cjs',
  external: ['electron'],
});
await cp(path.join(root, 'renderer', 'dist'), path.join(out, 'renderer'), { recursive: true });
await writeFile(path.join(root, 'build', 'out', 'main.js'), "import './electron/main.js';\n");
console.log(`electron shell bundled into ${path.relative(root, out)} (entry build/out/main.js)`);
