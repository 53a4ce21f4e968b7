import type { Formatter } from './formatter.js';
import { jsonFormatter } from './json.js';
import { tableFormatter } from './table.js';

export const FORMATTERS: Record<string, Formatter> = {
  table: tableFormatter,
  json: jsonFormatter,
};

export const FORMAT_NAMES = Object.keys(FORMATTERS);
