// Certkit's import boundaries, checked by `npm run lint`.
//
// Two rules in one table:
// 1. Zones: what each top-level part may import. shared/ is pure (zod only), the renderer sees shared/ and its
//    browser packages, the engine never loads 'electron', and only the thin shell does.
// 2. Engine layers: every folder under electron/engine has a rank; a file may import its own folder or a folder of a
//    lower rank, never a higher one. That makes folder cycles impossible, not merely absent today.
//    Some folders are tools, not product: the simulator and demo store (sandbox/) and the benchmark (bench/) may be
//    imported only by the folders that compose them into commands.
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Rank of each engine folder; '' is electron/engine itself (errors.ts and the like). */
export const ENGINE_LAYERS = {
  '': 0,
  util: 0,
  redact: 1,
  aps: 1,
  browser: 1,
  evidence: 1,
  workspace: 2,
  sandbox: 2,
  snippets: 3,
  capture: 3,
  // Below verify, which reads the relay's evidence (the traffic logs and their links to scenarios).
  relay: 3,
  verify: 4,
  run: 5,
  package: 7,
  email: 8,
  signoff: 8,
  demo: 9,
  api: 10,
  host: 11,
  bench: 12,
  cli: 13,
};

/** Tool folders and the only engine folders allowed to import them. */
const RESTRICTED = {
  sandbox: ['demo', 'bench', 'cli'],
  bench: ['cli'],
};

const NODE_BUILTIN = /^node:/;

const ZONES = [
  {
    name: 'shared/',
    test: (rel) => rel.startsWith('shared/'),
    dirs: ['shared/'],
    packages: ['zod'],
    why: 'shared/ is read by the renderer, the engine and the shell; it stays pure TypeScript (zod only)',
  },
  {
    name: 'renderer/',
    test: (rel) => rel.startsWith('renderer/src/'),
    dirs: ['renderer/', 'shared/'],
    packages: ['react', 'react-dom', 'zustand', 'zod'],
    why: 'the renderer talks to the engine only through the typed API in shared/api',
  },
  {
    name: 'electron/engine/',
    test: (rel) => rel.startsWith('electron/engine/'),
    dirs: ['electron/engine/', 'shared/', 'assets/'],
    packages: '*',
    forbiddenPackages: ['electron'],
    why: "the engine runs in plain Node (CLI, tests, browser host): it never imports 'electron'",
  },
  {
    name: 'electron shell',
    test: (rel) => rel.startsWith('electron/') && !rel.startsWith('electron/engine/'),
    dirs: ['electron/', 'shared/'],
    packages: '*',
    why: 'the shell binds the engine to Electron',
  },
];

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function engineFolder(rel) {
  const rest = rel.slice('electron/engine/'.length).split('/');
  return rest.length > 1 ? rest[0] : '';
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: "Certkit's zone and engine-layer import boundaries" },
    schema: [],
    messages: { boundary: '{{message}}' },
  },
  create(context) {
    const file = path.relative(ROOT, context.filename).split(path.sep).join('/');
    const zone = ZONES.find((z) => z.test(file));
    if (!zone) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const report = (message) => context.report({ node, messageId: 'boundary', data: { message } });
      if (!spec.startsWith('.')) {
        if (zone.forbiddenPackages?.includes(packageName(spec))) {
          return report(`${file} may not import '${spec}': ${zone.why}`);
        }
        if (zone.packages === '*') return;
        if (NODE_BUILTIN.test(spec) || !zone.packages.includes(packageName(spec))) {
          report(`${file} may not import '${spec}': ${zone.why}`);
        }
        return;
      }
      const target = path
        .relative(ROOT, path.resolve(path.dirname(context.filename), spec))
        .split(path.sep)
        .join('/');
      if (!zone.dirs.some((d) => target.startsWith(d))) {
        return report(`${file} may not import ${target}: ${zone.why}`);
      }
      if (zone.name !== 'electron/engine/' || !target.startsWith('electron/engine/')) return;
      const from = engineFolder(file);
      const to = engineFolder(target);
      if (from === to) return;
      const rankFrom = ENGINE_LAYERS[from];
      const rankTo = ENGINE_LAYERS[to];
      if (rankFrom === undefined || rankTo === undefined) {
        const missing = rankFrom === undefined ? from : to;
        return report(`engine folder '${missing}' has no layer: add it to ENGINE_LAYERS in build/eslint/boundaries.js`);
      }
      if (RESTRICTED[to] && !RESTRICTED[to].includes(from)) {
        return report(
          `engine/${from} may not import engine/${to}: it is a tool, only ${RESTRICTED[to].join(', ')} may use it`,
        );
      }
      if (rankTo >= rankFrom) {
        report(
          `engine/${from} (layer ${rankFrom}) may not import engine/${to} (layer ${rankTo}): ` +
            'a folder imports only lower layers; move the shared piece down or pass it in',
        );
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      TSImportType: (node) => {
        const arg = node.argument?.literal ?? node.argument;
        if (arg?.type === 'Literal') check(node, arg.value);
      },
    };
  },
};

export default { rules: { boundaries: rule } };
