/**
 * Text from the network may carry terminal escapes or bidi overrides that rewrite what the
 * user sees, and noncharacters or lone surrogates that break XML and spreadsheets; strip them
 * before printing. Tabs and newlines become spaces in a table cell.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function sanitize(text: string): string {
  return text.replace(CONTROL, (ch) => (ch === '\n' || ch === '\t' || ch === '\r' ? ' ' : ''));
}
