import { csvFormatter } from './csv.js';
import { FORMAT_NAMES, type FormatName } from './format-names.js';
import type { Formatter } from './formatter.js';
import { githubFormatter } from './github.js';
import { htmlFormatter } from './html.js';
import { jsonFormatter } from './json.js';
import { junitFormatter } from './junit.js';
import { markdownFormatter } from './markdown.js';
import { tableFormatter } from './table.js';

// `satisfies`: one formatter for every name in format-names.ts, and none without a name there.
export const FORMATTERS: Record<string, Formatter> = {
  table: tableFormatter,
  json: jsonFormatter,
  markdown: markdownFormatter,
  junit: junitFormatter,
  github: githubFormatter,
  csv: csvFormatter,
  html: htmlFormatter,
} satisfies Record<FormatName, Formatter>;

export { FORMAT_NAMES };
