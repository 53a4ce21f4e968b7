import type { ChalkInstance } from 'chalk';
import type { AuditReport, Changes } from '../model/report.js';
import type { EvidenceResult, Verdict } from '../model/results.js';
import { catalogue, explain, type Catalogue, type Lang } from '../i18n/index.js';
import type { IndicatorResult } from '../model/report.js';
import type { Formatter } from './formatter.js';
import { sanitize } from './sanitize.js';
import { checkText, dateAndBasis, firstFailedCheck, formatNumber, problemText, signed, statusText } from './words.js';
import { onFirstUse } from '../util/on-first-use.js';
import { stringWidth } from '../util/width.js';

const TITLE_WIDTH = 28;

type Row = { cells: string[]; verdict?: Verdict; dim?: boolean };

/** chalk probes the terminal's colour support when imported, and only the table paints: loaded with the first table. */
const chalkLib = onFirstUse<typeof import('chalk')>('chalk');

function painter(color: boolean): ChalkInstance {
  return new (chalkLib().Chalk)({ level: color ? 1 : 0 });
}

/** The terminal table: one row per indicator in tree order, CJK-aware widths, then the totals. */
export const tableFormatter: Formatter = {
  name: 'table',
  format(report, options) {
    const chalk = painter(options.color);
    const t = catalogue(options.lang);
    const rows = report.indicators.flatMap((r) => indicatorRows(r, 0, options.verbose, options.lang));
    const lines = [chalk.bold(sanitize(report.title)), ...renderRows(t.ui.headers, rows, chalk, options.columns), '', ...summary(report, chalk, t)];
    return lines.join('\n') + '\n';
  },
};

function indicatorRows(result: IndicatorResult, depth: number, verbose: boolean, lang: Lang): Row[] {
  const { indicator } = result;
  const verdicts = catalogue(lang).ui.verdict;
  const title = truncate('  '.repeat(depth) + sanitize(indicator.title), TITLE_WIDTH);
  const row: Row = {
    cells: [
      indicator.id, title, formatNumber(indicator.weight), formatNumber(result.score),
      verdicts[result.verdict], `${result.passed}/${result.total}`,
      result.verdict === 'pass' ? '' : problemText(result.problem, lang),
    ],
    verdict: result.verdict,
  };
  const below = result.evidence
    ? (verbose ? result.evidence.map((e) => evidenceRow(e, depth + 1, lang)) : [])
    : result.children.flatMap((child) => indicatorRows(child, depth + 1, verbose, lang));
  return [row, ...below];
}

/** --verbose: URL, HTTP status, date found and the reason, under the indicator's columns. */
function evidenceRow(result: EvidenceResult, depth: number, lang: Lang): Row {
  const t = catalogue(lang);
  const status = statusText(result);
  const date = sanitize(dateAndBasis(result, t));
  const problem = firstFailedCheck(result);
  // The reason first: on a narrow terminal it is what must stay visible; the URL can wrap.
  const warnings = (result.warnings ?? []).map((w) => `⚠ ${sanitize(explain(w, lang))}`);
  const detail = [problem ? checkText(problem, lang) : '', status, date, ...warnings, sanitize(result.evidence.url)].filter(Boolean).join(' · ');
  return {
    cells: ['', truncate('  '.repeat(depth) + '↳ ' + sanitize(result.evidence.title), TITLE_WIDTH), '', '', t.ui.verdict[result.verdict], '', detail],
    verdict: result.verdict,
    dim: true,
  };
}

/** Narrower than this, the last column moves to lines of its own under the row. */
const MIN_LAST_COLUMN = 30;

function renderRows(headers: readonly string[], rows: Row[], chalk: ChalkInstance, columns: number | undefined): string[] {
  const all = [{ cells: [...headers] }, ...rows] as Row[];
  const last = headers.length - 1;
  const widths = headers.map((_, i) => (i === last ? 0 : Math.max(...all.map((r) => stringWidth(r.cells[i] ?? '')))));
  const fixed = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
  const numeric = new Set([2, 3]);
  return all.flatMap((row, index) => {
    const cells = row.cells.slice(0, last).map((cell, i) => (numeric.has(i) ? padStart(cell, widths[i]!) : padEnd(cell, widths[i]!)));
    const lines = layoutLastColumn(cells.join('  '), row.cells[last] ?? '', fixed, columns);
    return lines.map((line) => (index === 0 ? chalk.bold(line) : paint(line, row, chalk)));
  });
}

/**
 * Without a terminal width (a file, a pipe, cron mail) a row stays on one line, for grep. On a
 * terminal the last column wraps beside the row, or below it when the row leaves too little room.
 */
function layoutLastColumn(head: string, text: string, fixed: number, columns: number | undefined): string[] {
  if (!text) return [head.trimEnd()];
  if (!columns) return [`${head}  ${text}`];
  const room = columns - fixed;
  if (room >= MIN_LAST_COLUMN) {
    return wrap(text, room).map((part, i) => (i === 0 ? `${head}  ${part}` : ' '.repeat(fixed) + part));
  }
  const indent = 4;
  return [head.trimEnd(), ...wrap(text, Math.max(10, columns - indent)).map((part) => ' '.repeat(indent) + part)];
}

/** Breaks by display width, so CJK text (two cells a character) wraps where the terminal would; Latin text breaks at a space. */
function wrap(text: string, width: number): string[] {
  const parts: string[] = [];
  let current = '';
  for (const ch of text) {
    if (stringWidth(current + ch) > width) {
      const space = current.lastIndexOf(' ');
      const cut = space > current.length - 16 && space > 0 ? space : current.length;
      parts.push(current.slice(0, cut).trimEnd());
      current = current.slice(cut).trimStart();
    }
    current += ch;
  }
  return [...parts, current];
}

function paint(line: string, row: Row, chalk: ChalkInstance): string {
  const colour = row.verdict === 'pass' ? chalk.green : row.verdict === 'fail' ? chalk.red : chalk.yellow;
  return row.dim ? chalk.dim(colour(line)) : colour(line);
}

function summary(report: AuditReport, chalk: ChalkInstance, t: Catalogue): string[] {
  const { totals } = report;
  const lines = [
    chalk.bold(t.ui.score(formatNumber(totals.score), formatNumber(totals.maxScore))),
    `${t.ui.indicatorCounts(totals.indicators)} · ${t.ui.evidenceCounts(totals.evidence)}`,
  ];
  if (!report.complete) lines.push(chalk.yellow(t.ui.interrupted));
  if (report.selection) {
    lines.push(t.ui.skippedBecause(sanitize(report.selection.reason)));
    const { skipped } = report.selection;
    if (skipped.length) lines.push(`${t.ui.labels.skipped}: ${skipped.map((s) => sanitize(`${s.id} ${s.title}`)).join(', ')}`);
  }
  if (report.changes) lines.push('', ...changeLines(report.changes, chalk, t));
  return lines;
}

function changeLines(changes: Changes, chalk: ChalkInstance, t: Catalogue): string[] {
  const { labels } = t.ui;
  const delta = signed(changes.scoreDelta);
  return [
    chalk.bold(`${labels.changes} (${labels.baseline}: ${sanitize(changes.baseline.path)})`),
    t.ui.scoreDelta(delta),
    ...(changes.newlyFailing.length ? [chalk.red(`${labels.newlyFailing}:`)] : []),
    ...changes.newlyFailing.map((c) => chalk.red(`  ${c.id} ${sanitize(c.title)}: ${sanitize(c.reason)}`)),
    ...(changes.fixed.length ? [chalk.green(`${labels.fixed}:`)] : []),
    ...changes.fixed.map((c) => chalk.green(`  ${c.id} ${sanitize(c.title)}`)),
    ...evidenceChangeLines(changes, chalk, t),
  ];
}

/** Links, each after the indicator citing it now; nothing at all when no link changed. */
function evidenceChangeLines(changes: Changes, chalk: ChalkInstance, t: Catalogue): string[] {
  const { labels } = t.ui;
  const failing = changes.newlyFailingEvidence ?? [];
  const fixed = changes.fixedEvidence ?? [];
  // A link cited without a title has its URL as its title: said once.
  const link = (c: { indicatorId: string; title: string; url: string }) =>
    sanitize(c.title === c.url ? `${c.indicatorId} ${c.url}` : `${c.indicatorId} ${c.title} ${c.url}`);
  return [
    ...(failing.length ? [chalk.red(`${labels.newlyFailingEvidence}:`)] : []),
    ...failing.map((c) => chalk.red(`  ${link(c)}${c.reason ? `: ${sanitize(c.reason)}` : ''}`)),
    ...(fixed.length ? [chalk.green(`${labels.fixedEvidence}:`)] : []),
    ...fixed.map((c) => chalk.green(`  ${link(c)}`)),
  ];
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - stringWidth(text)));
}

function padStart(text: string, width: number): string {
  return ' '.repeat(Math.max(0, width - stringWidth(text))) + text;
}

/** Cuts by display width, so a CJK title never overflows its column. */
export function truncate(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  let out = '';
  for (const ch of text) {
    if (stringWidth(out + ch) > width - 1) break;
    out += ch;
  }
  return out + '…';
}
