import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CertkitError, errorMessage } from '../../errors';
import { addSnippet, snippetSlots } from '../../snippets/index';
import { defineCommand, readAll, requiredOpt, stringOpt, workspaceArg } from '../command';

const USAGE = `snippet <workspace> --slot ${snippetSlots().join('|')} [--file CODE_FILE] [--language javascript]`;

export const snippetCommand = defineCommand({
  name: 'snippet',
  summary: 'Add code evidence (Apple Pay networks/capabilities, tokenization code) from a file or stdin',
  usage: USAGE,
  options: {
    slot: { type: 'string', description: 'the code-snippet slot the code is for' },
    file: { type: 'string', description: 'file holding the code (default: read stdin)' },
    language: {
      type: 'string',
      description: 'language for highlighting (default: from the file name, else javascript)',
    },
  },
  async run(args, ctx) {
    const workspaceDir = workspaceArg(args, ctx, USAGE);
    const slot = requiredOpt(args, 'slot', USAGE);
    // Checked before reading stdin, so a wrong slot fails at once instead of waiting for input.
    if (!snippetSlots().includes(slot))
      throw new CertkitError(`"${slot}" is not a code-snippet slot`, {
        hint: `use one of: ${snippetSlots().join(', ')}`,
      });
    const file = stringOpt(args, 'file');
    const code = file
      ? await fs.readFile(path.resolve(ctx.cwd, file), 'utf8').catch((err) => {
          throw new CertkitError(`cannot read ${file}: ${errorMessage(err)}`, {
            hint: 'check the path, or pipe the code on stdin',
          });
        })
      : await readAll(ctx.stdin, ctx.signal);
    const language =
      stringOpt(args, 'language') ??
      (file
        ? { '.ts': 'typescript', '.swift': 'swift', '.kt': 'kotlin', '.java': 'java', '.dart': 'dart' }[
            path.extname(file)
          ]
        : undefined);
    const s = await addSnippet(workspaceDir, slot, code, language, ctx.env);
    ctx.stdout.write(`stored ${s.file} (${s.language}); it goes into the general package as an image\n`);
    return 0;
  },
});
