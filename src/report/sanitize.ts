/**
 * Text from the network may carry terminal escapes or bidi overrides that rewrite what the
 * user sees; strip them before printing. Tabs and newlines become spaces in a table cell.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, (ch) => (ch === '\n' || ch === '\t' || ch === '\r' ? ' ' : ''));
}
