import type { AuditReport, Changes } from '../model/report.js';
import type { EvidenceResult, Verdict } from '../model/results.js';
import { catalogue, type Catalogue, type Lang } from '../i18n/index.js';
import { leafResults } from '../score/score.js';
import { type IndicatorResult } from '../model/report.js';
import type { Formatter, FormatOptions } from './formatter.js';
import { sanitize } from './sanitize.js';
import { checkText, dateAndBasis, firstFailedCheck, formatNumber, problemText, escapeMarkup, signed, statusText } from './words.js';

/** GitHub refuses a PR comment (and truncates a step summary) longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;

const EMOJI: Record<Verdict, string> = { pass: '✅', fail: '❌', unverified: '⚠️' };

/**
 * The report as GitHub-flavoured markdown, for PR comments and `$GITHUB_STEP_SUMMARY`: the score,
 * the counts, what changed since the baseline, the indicator table, then one `<details>` block per
 * leaf that did not pass, listing its evidence. Every text that comes from the criteria file or the
 * network is escaped, so a title can neither split a table cell nor inject HTML or markdown.
 * When the whole would exceed GitHub's comment limit the details go first, then passing rows.
 */
export const markdownFormatter: Formatter = {
  name: 'markdown',
  format(report, options) {
    const t = catalogue(options.lang);
    const head = headBlocks(report, t);
    const rows = report.indicators.flatMap((r) => indicatorRows(r, 0, options.lang));
    const details = leafResults(report.indicators)
      .filter((leaf) => options.verbose || leaf.verdict !== 'pass')
      .map((leaf) => detailsBlock(leaf, options));
    const compose = (shownRows: Row[], shownDetails: string[], notes: string[]) =>
      [
        ...head,
        `### ${md(t.ui.labels.indicators)}`,
        table(t.ui.headers, shownRows.map((r) => r.cells), ALIGN),
        ...notes,
        ...(shownDetails.length ? [`### ${md(t.ui.labels.evidence)}`, ...shownDetails] : []),
      ].join('\n\n') + '\n';

    const full = compose(rows, details, []);
    if (fits(full)) return full;
    // Too long for a comment: the per-evidence details go first; the table is the report.
    const withoutDetails = compose(rows, [], [omittedNote(t)]);
    if (fits(withoutDetails)) return withoutDetails;
    // Still too long (thousands of indicators): keep the rows that need attention.
    const problems = rows.filter((r) => r.verdict !== 'pass');
    const notes = [omittedNote(t), `> ✂️ ${md(t.ui.labels.onlyFailures)}`];
    const withRows = (shown: number) => {
      const more = problems.length - shown;
      return compose(problems.slice(0, shown), [], more ? [...notes, `> ✂️ … +${more}`] : notes);
    };
    // The most rows that fit, by bisection: the text grows with every row shown.
    let low = 0;
    let high = problems.length;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (fits(withRows(mid))) low = mid;
      else high = mid - 1;
    }
    const text = withRows(low);
    return fits(text) ? text : text.slice(0, GITHUB_COMMENT_LIMIT);
  },
};

function fits(text: string): boolean {
  // String length counts UTF-16 units, never fewer than the characters GitHub counts.
  return text.length <= GITHUB_COMMENT_LIMIT;
}

/** Said when the details blocks were dropped to stay under the limit. */
function omittedNote(t: Catalogue): string {
  return `> ✂️ ${md(t.ui.labels.detailsOmitted)}`;
}

function headBlocks(report: AuditReport, t: Catalogue): string[] {
  const { totals } = report;
  const blocks = [
    `## ${md(sanitize(report.title))}`,
    `**${md(t.ui.score(formatNumber(totals.score), formatNumber(totals.maxScore)))}**`,
    md(`${t.ui.indicatorCounts(totals.indicators)} · ${t.ui.evidenceCounts(totals.evidence)}`),
  ];
  if (!report.complete) blocks.push(`> ⚠️ ${md(t.ui.labels.incomplete)}`);
  if (report.selection) {
    const { reason, skipped } = report.selection;
    const lines = [`> ℹ️ ${md(t.ui.skippedBecause(sanitize(reason)))}`];
    if (skipped.length) {
      lines.push('>', `> ${md(t.ui.labels.skipped)}: ${skipped.map((s) => md(sanitize(`${s.id} ${s.title}`))).join(', ')}`);
    }
    blocks.push(lines.join('\n'));
  }
  if (report.changes) blocks.push(...changesBlocks(report.changes, t));
  return blocks;
}

function changesBlocks(changes: Changes, t: Catalogue): string[] {
  const { labels } = t.ui;
  const { baseline } = changes;
  const blocks = [
    `### ${md(labels.changes)}`,
    md(`${t.ui.scoreDelta(signed(changes.scoreDelta))} · ${labels.baseline}: ${sanitize(baseline.path)} (${sanitize(baseline.finishedAt)}, ${formatNumber(baseline.score)})`),
  ];
  if (changes.newlyFailing.length) {
    blocks.push(`**${md(labels.newlyFailing)}**`,
      changes.newlyFailing.map((c) => {
        // What it was before, in symbols: no words needed. A new indicator has no before.
        const was = c.previous === 'new' ? '' : ` (${EMOJI[c.previous]} → ❌)`;
        return `- ❌ ${md(sanitize(`${c.id} ${c.title}`))}${was}${c.reason ? `: ${md(sanitize(c.reason))}` : ''}`;
      }).join('\n'));
  }
  if (changes.fixed.length) {
    blocks.push(`**${md(labels.fixed)}**`, changes.fixed.map((c) => `- ✅ ${md(sanitize(`${c.id} ${c.title}`))}`).join('\n'));
  }
  return [...blocks, ...evidenceChangeBlocks(changes, t)];
}

/** Links, each after the indicator citing it now, its URL shown in full; nothing when no link changed. */
function evidenceChangeBlocks(changes: Changes, t: Catalogue): string[] {
  const { labels } = t.ui;
  const failing = changes.newlyFailingEvidence ?? [];
  const fixed = changes.fixedEvidence ?? [];
  // A link cited without a title has its URL as its title: said once.
  const cited = (c: { indicatorId: string; title: string; url: string }) => {
    const url = sanitize(c.url);
    const named = c.title === c.url ? c.indicatorId : `${c.indicatorId} ${c.title}`;
    return `${md(sanitize(named))} ${link(url, url)}`;
  };
  const blocks: string[] = [];
  if (failing.length) {
    blocks.push(`**${md(labels.newlyFailingEvidence)}**`, capped(failing.map((c) => {
      const was = c.previous === 'new' ? '' : ` (${EMOJI[c.previous]} → ❌)`;
      return `- ❌ ${cited(c)}${was}${c.reason ? `: ${md(sanitize(c.reason))}` : ''}`;
    })));
  }
  if (fixed.length) blocks.push(`**${md(labels.fixedEvidence)}**`, capped(fixed.map((c) => `- ✅ ${cited(c)}`)));
  return blocks;
}

/**
 * A host gone down breaks thousands of links in one night; listed whole they would fill GitHub's
 * limit before the indicator table. The JSON and HTML reports list them all.
 */
const MAX_CHANGED_LINKS = 100;

function capped(lines: string[]): string {
  const more = lines.length - MAX_CHANGED_LINKS;
  return (more > 0 ? [...lines.slice(0, MAX_CHANGED_LINKS), `- … +${more}`] : lines).join('\n');
}


type Row = { cells: string[]; verdict: Verdict };

/** Weight, score and the evidence count are numbers: right-aligned. */
const ALIGN = ['left', 'left', 'right', 'right', 'left', 'right', 'left'] as const;

function indicatorRows(result: IndicatorResult, depth: number, lang: Lang): Row[] {
  const { indicator } = result;
  // Markdown trims ASCII spaces from a cell, but not U+3000, the ideographic (full-width) space.
  const indent = depth === 0 ? '' : '\u3000'.repeat(depth - 1) + '└ ';
  const row: Row = {
    cells: [
      md(sanitize(indicator.id)),
      indent + md(sanitize(indicator.title)),
      formatNumber(indicator.weight),
      formatNumber(result.score),
      verdictText(result.verdict, lang),
      `${result.passed}/${result.total}`,
      result.verdict === 'pass' ? '' : md(problemText(result.problem, lang)),
    ],
    verdict: result.verdict,
  };
  return [row, ...result.children.flatMap((child) => indicatorRows(child, depth + 1, lang))];
}

function verdictText(verdict: Verdict, lang: Lang): string {
  return `${EMOJI[verdict]} ${md(catalogue(lang).ui.verdict[verdict])}`;
}


function detailsBlock(leaf: IndicatorResult, options: FormatOptions): string {
  const { lang } = options;
  const t = catalogue(lang);
  const { labels } = t.ui;
  const { indicator } = leaf;
  // <summary> sits in an HTML block, where markdown is not parsed: HTML escaping only.
  const summary = html(sanitize(`${EMOJI[leaf.verdict]} ${indicator.id} ${indicator.title} · ${t.ui.verdict[leaf.verdict]}`));
  const evidence = leaf.evidence ?? [];
  const body = evidence.length === 0
    ? `- ❌ ${md(problemText(leaf.problem, lang))}`
    : table(
      [labels.evidence, labels.verdict, labels.httpStatus, labels.lastUpdated, labels.reason],
      evidence.map((e) => evidenceCells(e, t, lang)),
    );
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

function evidenceCells(result: EvidenceResult, t: Catalogue, lang: Lang): string[] {
  const status = statusText(result);
  const date = dateAndBasis(result, t);
  const problem = result.verdict === 'pass' ? undefined : firstFailedCheck(result);
  return [
    link(sanitize(result.evidence.title), sanitize(result.evidence.url)),
    verdictText(result.verdict, lang),
    md(status),
    md(sanitize(date)),
    problem ? md(checkText(problem, lang)) : '',
  ];
}

function table(headers: readonly string[], rows: string[][], align?: readonly ('left' | 'right')[]): string {
  const rule = headers.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'));
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c || ' ').join(' | ')} |`;
  return [line(headers.map((h) => md(h))), line(rule), ...rows.map(line)].join('\n');
}

/** A markdown link whose text and address cannot break out of it, nor out of a table cell. */
function link(title: string, url: string): string {
  let href: URL | undefined;
  try {
    href = new URL(url);
  } catch {
    href = undefined;
  }
  if (!href || (href.protocol !== 'http:' && href.protocol !== 'https:')) return md(title || url);
  // No userinfo in a link: credentials are masked in the report anyway (see safeReport).
  href.username = '';
  href.password = '';
  // The URL parser already encodes spaces, quotes and angle brackets; these would still end the
  // destination, split the cell or be read as an entity.
  // A backtick too: code spans bind tighter than links, so one could pair with another in the row.
  const destination = href.href.replace(/[()|\\&`]/g, (ch) => (ch === '&' ? '&amp;' : `%${ch.charCodeAt(0).toString(16).toUpperCase()}`));
  return `[${md(title || url)}](${destination})`;
}

const html = escapeMarkup;

/**
 * Text for a markdown paragraph or table cell: `<`, `>` and `&` as entities (no HTML can start),
 * markdown punctuation backslash-escaped (no link, emphasis, code, math or `#123` reference), `|`
 * as `\|` (the cell never splits) and a newline as `<br>` (the row never breaks).
 */
export function md(text: string): string {
  return text
    .replace(/[&<>]/g, escapeMarkup)
    .replace(/[\\`*_[\]~#$|]/g, (ch) => `\\${ch}`)
    .replace(/\r\n|\r|\n/g, '<br>');
}
