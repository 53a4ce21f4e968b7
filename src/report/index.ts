import { csvFormatter } from './csv.js';
import type { Formatter } from './formatter.js';
import { githubFormatter } from './github.js';
import { htmlFormatter } from './html.js';
import { jsonFormatter } from './json.js';
import { junitFormatter } from './junit.js';
import { markdownFormatter } from './markdown.js';
import { tableFormatter } from './table.js';

export const FORMATTERS: Record<string, Formatter> = {
  table: tableFormatter,
  json: jsonFormatter,
  markdown: markdownFormatter,
  junit: junitFormatter,
  github: githubFormatter,
  csv: csvFormatter,
  html: htmlFormatter,
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);
