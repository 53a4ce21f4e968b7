import { Chalk, type ChalkInstance } from 'chalk';
import stringWidth from 'string-width';
import type { AuditReport } from '../audit.js';
import type { EvidenceResult, Verdict } from '../check/types.js';
import type { IndicatorResult } from '../score/score.js';
import type { FormatOptions, Formatter } from './formatter.js';
import { sanitize } from './sanitize.js';

const VERDICT_LABEL: Record<Verdict, string> = { pass: 'PASS', fail: 'FAIL', unverified: 'UNVERIFIED' };
const HEADERS = ['ID', 'Indicator', 'Weight', 'Score', 'Verdict', 'Evidence', 'First problem'];
const TITLE_WIDTH = 28;

type Row = { cells: string[]; verdict?: Verdict; dim?: boolean };

/** The terminal table: one row per indicator in tree order, CJK-aware widths, then the totals. */
export const tableFormatter: Formatter = {
  name: 'table',
  format(report, options) {
    const chalk = new Chalk({ level: options.color ? 1 : 0 });
    const rows = report.indicators.flatMap((r) => indicatorRows(r, 0, options.verbose));
    const lines = [chalk.bold(sanitize(report.title)), ...renderRows(rows, chalk, options.columns), '', ...summary(report, chalk)];
    return lines.join('\n') + '\n';
  },
};

function indicatorRows(result: IndicatorResult, depth: number, verbose: boolean): Row[] {
  const { indicator } = result;
  const title = truncate('  '.repeat(depth) + sanitize(indicator.title), TITLE_WIDTH);
  const row: Row = {
    cells: [
      indicator.id, title, formatNumber(indicator.weight), formatNumber(result.score),
      VERDICT_LABEL[result.verdict], `${result.passed}/${result.total}`,
      result.verdict === 'pass' ? '' : sanitize(result.reason ?? ''),
    ],
    verdict: result.verdict,
  };
  const below = result.evidence
    ? (verbose ? result.evidence.map((e) => evidenceRow(e, depth + 1)) : [])
    : result.children.flatMap((child) => indicatorRows(child, depth + 1, verbose));
  return [row, ...below];
}

/** --verbose: URL, HTTP status, date found and the reason, under the indicator's columns. */
function evidenceRow(result: EvidenceResult, depth: number): Row {
  const status = result.httpStatus ? `HTTP ${result.httpStatus}` : (result.fetch.ok ? '' : result.fetch.error.code);
  const date = result.lastUpdated ? `${result.lastUpdated} (${result.dateSource})` : '';
  const problem = result.checks.find((c) => c.status !== 'pass');
  // The reason first: on a narrow terminal it is what must stay visible; the URL can wrap.
  const detail = [problem ? sanitize(problem.message) : '', status, date, sanitize(result.evidence.url)].filter(Boolean).join(' · ');
  return {
    cells: ['', truncate('  '.repeat(depth) + '↳ ' + sanitize(result.evidence.title), TITLE_WIDTH), '', '', VERDICT_LABEL[result.verdict], '', detail],
    verdict: result.verdict,
    dim: true,
  };
}

/** Narrower than this, the last column moves to lines of its own under the row. */
const MIN_LAST_COLUMN = 30;

function renderRows(rows: Row[], chalk: ChalkInstance, columns: number | undefined): string[] {
  const all = [{ cells: HEADERS }, ...rows] as Row[];
  const last = HEADERS.length - 1;
  const widths = HEADERS.map((_, i) => (i === last ? 0 : Math.max(...all.map((r) => stringWidth(r.cells[i] ?? '')))));
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

function summary(report: AuditReport, chalk: ChalkInstance): string[] {
  const { totals } = report;
  const counts = totals.indicators;
  const lines = [
    chalk.bold(`Score: ${formatNumber(totals.score)} / ${formatNumber(totals.maxScore)}`),
    `Indicators: ${chalk.green(`${counts.pass} pass`)}, ${chalk.red(`${counts.fail} fail`)}, ${chalk.yellow(`${counts.unverified} unverified`)}` +
      ` · Evidence: ${totals.evidence.pass} pass, ${totals.evidence.fail} fail, ${totals.evidence.unverified} unverified`,
  ];
  if (!report.complete) lines.push(chalk.yellow('Interrupted: links not yet checked are counted as unverified.'));
  return lines;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
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
