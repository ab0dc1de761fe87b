import { escapeHtml } from '../../../shared/html';

// A small tokenizer is enough for the snippets APS asks for (JavaScript/TypeScript for Apple Pay on the web,
// Swift/Kotlin/Java for mobile tokenization): comments, strings, numbers, keywords and the rest.

const KEYWORDS = new Set(
  (
    'abstract async await break case catch class const continue def default do else enum export extends false final ' +
    'finally for fun func function guard if import in interface internal is let new nil null object override package ' +
    'private protected public return self static struct super switch this throw throws true try typeof undefined val ' +
    'var void when while yield'
  ).split(' '),
);

const TOKEN =
  /(\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)|("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|(\b\d+(?:\.\d+)?\b)|([A-Za-z_$][\w$]*)/g;

export function highlightHtml(code: string, language = 'javascript'): string {
  const hashComments = /^(python|ruby|shell|bash|sh|yaml)$/i.test(language);
  let out = '';
  let last = 0;
  for (const m of code.matchAll(TOKEN)) {
    const [text, comment, str, num, word] = m;
    out += escapeHtml(code.slice(last, m.index));
    last = m.index! + text.length;
    if (comment && (hashComments || !comment.startsWith('#'))) out += `<span class="c">${escapeHtml(text)}</span>`;
    else if (comment) out += escapeHtml(text);
    else if (str) out += `<span class="s">${escapeHtml(text)}</span>`;
    else if (num) out += `<span class="n">${text}</span>`;
    else if (word && KEYWORDS.has(word)) out += `<span class="k">${text}</span>`;
    else out += escapeHtml(text);
  }
  return out + escapeHtml(code.slice(last));
}
