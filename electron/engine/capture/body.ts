/**
 * Form or JSON body to fields; anything else is kept as a short note so the exchange is still listed. The fields are
 * raw: the recorder redacts them before they go anywhere.
 */
export function parseBody(body: string | undefined, contentType: string | undefined): Record<string, unknown> {
  if (!body) return {};
  const type = (contentType ?? '').toLowerCase();
  let unparsed = '';
  if (type.includes('json') || /^\s*[{[]/.test(body)) {
    try {
      const parsed: unknown = JSON.parse(body);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : { _body: parsed };
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      // Not JSON after all: a form body may still start with "[" or be labelled JSON by mistake; try it as a form.
      unparsed = ` (not JSON: ${err.message})`;
    }
  }
  if (type.includes('x-www-form-urlencoded') || /^[\w%.-]+=/.test(body)) {
    return Object.fromEntries(new URLSearchParams(body));
  }
  return { _body: `${body.length} bytes of ${contentType ?? 'unknown type'}${unparsed}` };
}
