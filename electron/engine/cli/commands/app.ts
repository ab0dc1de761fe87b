import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RENDERER_DIR, desktopOpen, hasDisplay, startHost } from '../../host/server';
import { CertkitError } from '../../errors';
import { defineCommand, stringOpt } from '../command';

export const appCommand = defineCommand({
  name: 'app',
  summary: 'Serve the Certkit wizard to your browser on loopback (the desktop app without Electron)',
  usage: 'app [workspace] [--demo [--demo-dir DIR]] [--port N] [--no-open]',
  windsDown: true,
  options: {
    port: { type: 'string', description: 'loopback port to serve on (default: a free one)' },
    'no-open': { type: 'boolean', description: 'do not open a browser; print the address only' },
    renderer: {
      type: 'string',
      description: 'folder of the built wizard (default: the one `npm run build:renderer` makes)',
    },
    demo: { type: 'boolean', description: 'start the APS simulator and demo store and open a demo workspace' },
    'demo-dir': { type: 'string', description: 'where --demo creates its workspace (default: a new temporary folder)' },
  },
  async run(args, ctx) {
    const portText = stringOpt(args, 'port');
    const port = portText === undefined ? 0 : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new CertkitError(`--port ${portText} is not a port number`, {
        hint: 'give a number from 1 to 65535, or leave it out for a free port',
      });
    }
    const rendererDir = path.resolve(ctx.cwd, stringOpt(args, 'renderer') ?? DEFAULT_RENDERER_DIR);
    const built = await fs.stat(path.join(rendererDir, 'index.html')).then(
      () => true,
      () => false,
    );
    if (!built)
      throw new CertkitError(`the wizard is not built: ${rendererDir}/index.html is missing`, {
        hint: 'run `npm run build:renderer` (or `npm start`, which builds it)',
      });

    const demoDir = stringOpt(args, 'demo-dir');
    const host = await startHost({
      env: ctx.env,
      port,
      rendererDir,
      demoDir: demoDir ? path.resolve(ctx.cwd, demoDir) : undefined,
    });
    const dir = args.positionals[0];
    if (args.values.demo) {
      const demo = await host.api['workspace.demo']({});
      ctx.stdout.write(`Demo workspace: ${demo.dir} (APS simulator and demo store running on loopback)\n`);
    } else if (dir) {
      await host.api['workspace.open']({ dir: path.resolve(ctx.cwd, dir) });
    }
    ctx.stdout.write(`Certkit is running at ${host.url}\n`);
    ctx.stdout.write("Secrets typed in the wizard stay in this process's memory and are forgotten when it stops.\n");
    const open = !args.values['no-open'] && hasDisplay(ctx.env);
    if (open && !(await desktopOpen(host.url, ctx.env)))
      ctx.stdout.write('Could not open a browser; open the address above yourself.\n');
    if (!open) ctx.stdout.write('Open the address above in a browser on this machine. Press Ctrl-C to stop.\n');
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) return resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await host.close();
    return 0;
  },
});
