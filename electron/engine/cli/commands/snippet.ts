import path from 'node:path';
import { INPUT_LIMITS } from '../../../../shared/limits';
import { CertkitError, errnoCode, errorMessage } from '../../errors';
import { decodeUtf8, readBoundedFile } from '../../read-input';
import { addSnippet, snippetSlots } from '../../snippets/index';
import { defineCommand, readStdin, requiredOpt, stringOpt, workspaceArg } from '../command';

const CODE_HINT = 'give the source file as UTF-8 text (a snippet is a page of code)';

async function readCodeFile(file: string): Promise<string> {
  const source = { what: file, maxBytes: INPUT_LIMITS.stdinBytes, hint: CODE_HINT };
  const bytes = await readBoundedFile(file, source).catch((err: unknown) => {
    if (err instanceof CertkitError) throw err;
    throw new CertkitError(`cannot read ${file}: ${errnoCode(err) ?? errorMessage(err)}`, {
      hint: 'check the path, or pipe the code on stdin',
    });
  });
  return decodeUtf8(bytes, source);
}

const USAGE = `snippet <workspace> --slot ${snippetSlots().join('|')} [--file CODE_FILE] [--language javascript]`;

export const snippetCommand = defineCommand({
  name: 'snippet',
  summary: 'Add code evidence (Apple Pay networks/capabilities, tokenization code) from a file or stdin',
  usage: USAGE,
  positionals: 1,
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
      ? await readCodeFile(path.resolve(ctx.cwd, file))
      : await readStdin(ctx.stdin, CODE_HINT, ctx.signal);
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
