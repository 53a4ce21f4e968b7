import type { EvidenceResult } from '../model/results.js';
import { catalogue, explain, type Lang } from '../i18n/index.js';
import { leafResults } from '../score/score.js';
import { type IndicatorResult } from '../model/report.js';
import type { Formatter } from './formatter.js';
import { sanitize } from './sanitize.js';
import { checkText, firstFailedCheck, formatNumber } from './words.js';

/**
 * Excel reads a CSV file without a byte order mark in the machine's ANSI code page (GBK on a
 * Chinese Windows), so UTF-8 Chinese text would open as mojibake. The UTF-8 BOM makes it read
 * UTF-8; WPS, LibreOffice, Numbers and most CSV parsers accept or skip it.
 */
const BOM = '\uFEFF';

/** RFC 4180: records end with CRLF. */
const CRLF = '\r\n';

/**
 * One row per evidence, in tree order, for spreadsheets: RFC 4180 quoting, CRLF line endings, a
 * BOM, a header row in the report's language. A leaf that cites nothing gets one row of its own,
 * so the missing evidence is on the sheet. Every cell is guarded against formula injection.
 */
export const csvFormatter: Formatter = {
  name: 'csv',
  format(report, options) {
    const records = [headerRow(options.lang), ...leafResults(report.indicators).flatMap((leaf) => leafRows(leaf, options.lang))];
    return BOM + records.map((cells) => cells.map(csvField).join(',') + CRLF).join('');
  },
};

function headerRow(lang: Lang): string[] {
  const { labels } = catalogue(lang).ui;
  return [
    labels.id, labels.indicator, labels.weight, labels.score,
    labels.evidence, labels.url, labels.finalUrl, labels.verdict, labels.httpStatus, labels.lastUpdated,
    labels.dateSource,
    labels.reason,
    labels.reasonCode,
    labels.line,
  ];
}


function leafRows(leaf: IndicatorResult, lang: Lang): string[][] {
  const { indicator } = leaf;
  const t = catalogue(lang);
  const head = [sanitize(indicator.id), sanitize(indicator.title), formatNumber(indicator.weight), formatNumber(leaf.score)];
  const evidence = leaf.evidence ?? [];
  if (evidence.length === 0) {
    const why = leaf.problem?.reason;
    return [[
      ...head, '', '', '', t.ui.verdict[leaf.verdict], '', '', '',
      why ? sanitize(explain(why, lang)) : '', why?.code ?? '', String(indicator.position.line),
    ]];
  }
  return evidence.map((e) => [...head, ...evidenceCells(e, lang)]);
}

function evidenceCells(result: EvidenceResult, lang: Lang): string[] {
  const t = catalogue(lang);
  const problem = result.verdict === 'pass' ? undefined : firstFailedCheck(result);
  return [
    sanitize(result.evidence.title),
    sanitize(result.evidence.url),
    sanitize(result.finalUrl),
    t.ui.verdict[result.verdict],
    result.httpStatus ? String(result.httpStatus) : '',
    result.lastUpdated ? sanitize(result.lastUpdated) : '',
    result.dateSource ? sanitize(t.ui.dateSource(result.dateSource)) : '',
    problem ? checkText(problem, lang) : '',
    problem ? problem.reason.code : '',
    String(result.evidence.position.line),
  ];
}

/**
 * A spreadsheet runs a cell that starts with = + - @ as a formula (`=HYPERLINK(...)` exfiltrates,
 * DDE runs programs); tab and carriage return can lead one in too (OWASP, "CSV Injection"). A
 * leading apostrophe makes such a cell text, and Excel hides the apostrophe.
 */
export function neutralise(cell: string): string {
  return /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, its quotes doubled. */
export function csvField(cell: string): string {
  const safe = neutralise(cell);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
