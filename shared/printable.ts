/**
 * Text from input (a file's contents, a field name, a value) made safe to print to a terminal: control characters
 * other than tab and newline are removed, so an ESC sequence hidden in a file cannot recolour, move or clear the
 * user's terminal, and a carriage return cannot overwrite the line it sits on. C1 controls (U+0080-U+009F) count
 * too: some terminals act on them as escape sequences.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}
