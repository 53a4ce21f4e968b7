import type { AuditReport, Changes } from '../model/report.js';
import { chinaDay } from '../check/dates.js';
import type { EvidenceResult } from '../model/results.js';
import { TOOL } from '../criteria/settings.js';
import { catalogue, type Catalogue, type Lang } from '../i18n/index.js';
import type { IndicatorResult } from '../model/report.js';
import type { Formatter } from './formatter.js';
import { HTML_CSS, HTML_SCRIPT, HTML_SCRIPT_HASH } from './html-assets.js';
import { sanitize } from './sanitize.js';
import { archiveLink, checkText, dateAndBasis, escapeMarkup, firstFailedCheck, formatNumber, problemText, signed, statusText } from './words.js';

/**
 * One self-contained HTML file: no external fonts, images, styles or scripts, so an office can
 * attach it to its submission and it still works offline, and prints on A4.
 *
 * Every string from the report (criteria titles, URLs, and what pages and servers said) is
 * untrusted: it is stripped of control characters and HTML-escaped, and a URL becomes a link only
 * when it is http(s). The CSP forbids loading anything and pins the one script by its hash.
 */
export const htmlFormatter: Formatter = {
  name: 'html',
  format(report, options) {
    const t = catalogue(options.lang);
    const archive = archiveLink(report, options.reportPath);
    const ctx: Ctx = { t, lang: options.lang, ...(archive ? { archive } : {}) };
    const L = t.ui.labels;
    const title = `${report.title} — ${L.report}`;
    const anyProblem = report.indicators.some((r) => r.verdict !== 'pass');
    return `<!DOCTYPE html>
<html lang="${options.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(CSP)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${attr(`${TOOL.name} ${TOOL.version}`)}">
<title>${text(title)}</title>
<style>${HTML_CSS}</style>
</head>
<body>
<header>
<h1>${text(report.title)}</h1>
<p class="subtitle">${text(L.report)}</p>
${metaList(report, ctx)}
</header>
<main>
${report.complete ? '' : `<div class="notice warn" role="alert"><p>${text(L.incomplete)}</p></div>\n`}${selectionNote(report, ctx)}${summary(report, ctx)}
${changesSection(report.changes, ctx)}<section class="table" aria-labelledby="h-indicators">
<h2 id="h-indicators">${text(L.indicators)}</h2>
<div class="filter" id="filter" hidden><label><input type="checkbox" id="only-failures" autocomplete="off">${text(L.onlyFailures)}</label></div>
<p class="filtered-note">${text(L.onlyFailures)}</p>
${anyProblem ? '' : `<p class="no-problems">${text(L.noProblems)}</p>\n`}${indicatorTable(report, ctx)}
</section>
</main>
<footer>${text(`${TOOL.name} ${TOOL.version}`)}</footer>
<script>${HTML_SCRIPT}</script>
</body>
</html>
`;
  },
};

/** Nothing may be loaded from anywhere; only the page's own styles and its one script apply. */
const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src ${HTML_SCRIPT_HASH}`,
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

interface Ctx {
  t: Catalogue;
  lang: Lang;
  /** Relative link to the WARC of this run, when --archive kept one. */
  archive?: string;
}

// ---------------------------------------------------------------------------------------------
// Escaping


/** Untrusted text for element content: control and bidi characters removed, then escaped. */
function text(value: string | number): string {
  return escapeMarkup(sanitize(String(value)));
}

/** Untrusted text for a double-quoted attribute value. */
function attr(value: string | number): string {
  return text(value);
}

/**
 * The href for a URL, or undefined when it must not be a link. Only http(s) is linked; the parsed
 * form is used, so what the browser follows is exactly what was checked here (a tab or a newline
 * inside "java\tscript:" cannot sneak past). A link never carries userinfo: credentials are
 * masked in the report, and a `***:***@` would only make the browser ask.
 */
export function safeHref(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  parsed.username = '';
  parsed.password = '';
  return parsed.href;
}

/** A link when the URL is http(s), else the URL as plain text. */
function link(url: string, label: string, extra = ''): string {
  const href = safeHref(url);
  if (!href) return `<span class="unlinked"${extra}>${text(label)}</span>`;
  return `<a href="${attr(href)}" rel="noopener noreferrer" referrerpolicy="no-referrer" target="_blank"${extra}>${text(label)}</a>`;
}

// ---------------------------------------------------------------------------------------------
// Header, notes, summary

function metaList(report: AuditReport, { t }: Ctx): string {
  const L = t.ui.labels;
  const sha = report.criteria.sha256;
  const rows: [string, string][] = [
    [L.now, `<time datetime="${attr(report.now.toISOString())}">${text(chinaDay(report.now))}</time>`],
    [L.generated, `<time datetime="${attr(report.finishedAt.toISOString())}">${text(chinaTime(report.finishedAt))}</time> · ${text(`${TOOL.name} ${TOOL.version}`)}`],
    [L.criteria, `<span class="mono">${text(report.criteria.path)}</span> · <span class="mono" title="sha256:${attr(sha)}">sha256:${text(sha.slice(0, 12))}</span>`],
  ];
  return `<dl class="meta">\n${rows.map(([k, v]) => `<dt>${text(k)}</dt><dd>${v}</dd>`).join('\n')}\n</dl>`;
}

function selectionNote(report: AuditReport, ctx: Ctx): string {
  const { t } = ctx;
  const { selection } = report;
  if (!selection) return '';
  const skipped = selection.skipped.length
    ? `<p>${labelled(t.ui.labels.skipped, ctx.lang)}</p><ul>${selection.skipped.map((s) => `<li><span class="mono">${text(s.id)}</span> ${text(s.title)}</li>`).join('')}</ul>`
    : '';
  return `<div class="notice selection"><p>${text(t.ui.skippedBecause(selection.reason))}</p>${skipped}</div>\n`;
}

function summary(report: AuditReport, ctx: Ctx): string {
  const { t } = ctx;
  const L = t.ui.labels;
  const { totals } = report;
  const score = formatNumber(totals.score);
  const max = formatNumber(totals.maxScore);
  const label = t.ui.score(score, max);
  const total = `<div class="total" id="total" data-score="${attr(totals.score)}" data-max-score="${attr(totals.maxScore)}">
${gauge(fraction(totals.score, totals.maxScore), label)}
<p class="total-text"><span class="total-label">${text(L.score)}</span> <span class="total-value"><span class="total-score">${text(score)}</span> / <span class="total-max">${text(max)}</span></span></p>
<p class="counts">${text(t.ui.indicatorCounts(totals.indicators))}<br>${text(t.ui.evidenceCounts(totals.evidence))}</p>
</div>`;
  const bars = report.indicators.map((r) => sectionBar(r, ctx)).join('\n');
  return `<section class="summary" aria-label="${attr(L.score)}">
${total}
<div class="sections">
<h2>${text(L.sections)}</h2>
<ol>
${bars}
</ol>
</div>
</section>
`;
}

/** A half-circle gauge. Its meaning is in its length and in the number under it, not in colour. */
function gauge(share: number, label: string): string {
  const arc = 'M 10 60 A 50 50 0 0 1 110 60';
  const filled = Math.round(share * 1000) / 10;
  return `<svg viewBox="0 0 120 66" role="img" aria-label="${attr(label)}"><title>${text(label)}</title>
<path class="gauge-track" d="${arc}" stroke-width="12" pathLength="100"/>
<path class="gauge-value" d="${arc}" stroke-width="12" pathLength="100" stroke-dasharray="${filled} 100"/>
<path class="gauge-frame" d="M 4 60 A 56 56 0 0 1 116 60 L 104 60 A 44 44 0 0 0 16 60 Z"/>
</svg>`;
}

/** One bar per top-level section: its score against what it could score, with its weight and verdict in words. */
function sectionBar(result: IndicatorResult, { t }: Ctx): string {
  const L = t.ui.labels;
  const { indicator } = result;
  const figures = `${formatNumber(result.score)} / ${formatNumber(result.maxScore)}`;
  const width = Math.round(fraction(result.score, result.maxScore) * 1000) / 10;
  const label = `${indicator.id} ${indicator.title}: ${L.score} ${figures}, ${L.weight} ${formatNumber(indicator.weight)}, ${t.ui.verdict[result.verdict]}`;
  return `<li class="section-bar v-${result.verdict}" data-id="${attr(indicator.id)}" data-verdict="${result.verdict}" data-score="${attr(result.score)}" data-max-score="${attr(result.maxScore)}">
<span class="section-name"><span class="mono">${text(indicator.id)}</span> ${text(indicator.title)}</span>
<svg viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="${attr(label)}"><rect class="bar-track" width="100" height="10"/><rect class="bar-fill" width="${width}" height="10"/><rect class="bar-frame" width="100" height="10"/></svg>
<span class="section-figures">${text(figures)} · ${text(L.weight)} ${text(formatNumber(indicator.weight))} · <span class="verdict v-${result.verdict}">${text(t.ui.verdict[result.verdict])}</span></span>
</li>`;
}

function changesSection(changes: Changes | undefined, ctx: Ctx): string {
  if (!changes) return '';
  const { t, lang } = ctx;
  const L = t.ui.labels;
  const delta = changes.scoreDelta;
  const deltaClass = delta > 0 ? 'delta-up' : delta < 0 ? 'delta-down' : 'delta-none';
  const signedDelta = signed(delta);
  const b = changes.baseline;
  const when = b.finishedAt ? ` (${b.finishedAt})` : '';
  const failing = changes.newlyFailing.length
    ? `<h3>${text(L.newlyFailing)} (${changes.newlyFailing.length})</h3>\n<ul class="newly-failing">${changes.newlyFailing
      .map((c) => `<li class="v-fail"><span class="verdict v-fail">${text(t.ui.verdict.fail)}</span> <span class="mono">${text(c.id)}</span> ${text(c.title)}${c.reason ? ` — <span class="reason">${text(c.reason)}</span>` : ''}${wasBefore(c.previous, ctx)}</li>`)
      .join('\n')}</ul>\n`
    : '';
  const fixed = changes.fixed.length
    ? `<h3>${text(L.fixed)} (${changes.fixed.length})</h3>\n<ul class="fixed">${changes.fixed
      .map((c) => `<li class="v-pass"><span class="verdict v-pass">${text(t.ui.verdict.pass)}</span> <span class="mono">${text(c.id)}</span> ${text(c.title)}</li>`)
      .join('\n')}</ul>\n`
    : '';
  return `<section class="changes" aria-labelledby="h-changes">
<h2 id="h-changes">${text(L.changes)}</h2>
<p>${labelled(L.baseline, lang)}<span class="mono">${text(b.path)}</span>${text(when)} · ${text(L.score)} ${text(formatNumber(b.score))}</p>
<p class="${deltaClass}" data-score-delta="${attr(delta)}">${text(t.ui.scoreDelta(signedDelta))}</p>
${failing}${fixed}${evidenceChangeLists(changes, ctx)}</section>
`;
}

/** Its verdict in the baseline, after a newly failing item; a new one had none. */
function wasBefore(previous: 'pass' | 'unverified' | 'new', { t, lang }: Ctx): string {
  if (previous === 'new') return '';
  return ` <span class="previous">(${labelled(t.ui.labels.baseline, lang)}<span class="verdict v-${previous}">${text(t.ui.verdict[previous])}</span>)</span>`;
}

/** Links, each after the indicator citing it now and linked by its URL; nothing when no link changed. */
function evidenceChangeLists(changes: Changes, ctx: Ctx): string {
  const { t } = ctx;
  const L = t.ui.labels;
  const failing = changes.newlyFailingEvidence ?? [];
  const fixed = changes.fixedEvidence ?? [];
  // A link cited without a title has its URL as its title: said once. The URL is the link's text,
  // so print need not repeat it; a long one must wrap on A4, styled in place because a rule in
  // the stylesheet would change every report, also those with no link to list.
  const cited = (c: { indicatorId: string; title: string; url: string }) =>
    `<span class="mono">${text(c.indicatorId)}</span> ${c.title === c.url ? '' : `${text(c.title)} `}${link(c.url, c.url, ' class="mono" data-url-shown="" style="word-break: break-all"')}`;
  const failingList = failing.length
    ? `<h3>${text(L.newlyFailingEvidence)} (${failing.length})</h3>\n<ul class="newly-failing-evidence">${failing
      .map((c) => `<li class="v-fail"><span class="verdict v-fail">${text(t.ui.verdict.fail)}</span> ${cited(c)}${c.reason ? ` — <span class="reason">${text(c.reason)}</span>` : ''}${wasBefore(c.previous, ctx)}</li>`)
      .join('\n')}</ul>\n`
    : '';
  const fixedList = fixed.length
    ? `<h3>${text(L.fixedEvidence)} (${fixed.length})</h3>\n<ul class="fixed-evidence">${fixed
      .map((c) => `<li class="v-pass"><span class="verdict v-pass">${text(t.ui.verdict.pass)}</span> ${cited(c)}</li>`)
      .join('\n')}</ul>\n`
    : '';
  return failingList + fixedList;
}

// ---------------------------------------------------------------------------------------------
// The indicator table

function indicatorTable(report: AuditReport, ctx: Ctx): string {
  const headers = ctx.t.ui.headers;
  const cls = ['col-id', 'col-title', 'num', 'num', 'col-verdict', 'num', 'col-problem'];
  const head = headers.map((h, i) => `<th scope="col" class="${cls[i]}">${text(h)}</th>`).join('');
  const rows = report.indicators.flatMap((r) => indicatorRows(r, 0, ctx)).join('\n');
  return `<table class="indicators">
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function indicatorRows(result: IndicatorResult, depth: number, ctx: Ctx): string[] {
  const { t, lang } = ctx;
  const { indicator } = result;
  const requirement = indicator.requirement
    ? `<div class="requirement"><span class="k">${labelled(t.ui.labels.requirement, lang)}</span>${text(indicator.requirement)}</div>`
    : '';
  const kind = result.evidence ? 'leaf' : 'group';
  const row = `<tr class="ind ${kind} depth-${Math.min(depth, 9)} v-${result.verdict}" data-id="${attr(indicator.id)}" data-verdict="${result.verdict}">`
    + `<td class="mono">${text(indicator.id)}</td>`
    + `<td${indent(depth)}><span class="title">${text(indicator.title)}</span>${requirement}</td>`
    + `<td class="num">${text(formatNumber(indicator.weight))}</td>`
    + `<td class="num">${text(formatNumber(result.score))}</td>`
    + `<td><span class="verdict v-${result.verdict}">${text(t.ui.verdict[result.verdict])}</span></td>`
    + `<td class="num">${result.passed}/${result.total}</td>`
    + `<td>${result.verdict === 'pass' ? '' : text(problemText(result.problem, lang))}</td>`
    + '</tr>';
  const below = result.evidence
    ? result.evidence.map((e) => evidenceRow(e, depth + 1, ctx))
    : result.children.flatMap((child) => indicatorRows(child, depth + 1, ctx));
  return [row, ...below];
}

/** Under each leaf, one row per evidence: its link, HTTP status, the date found and where, and the reason. */
/** The archived record: a download link (the fragment names the record) and its sha256, for verification. */
function archivedCopy(result: EvidenceResult, archive: string | undefined): string {
  const record = result.archived?.find((r) => r.type === 'response') ?? result.archived?.[0];
  if (!archive || !record) return '';
  return `<a href="${attr(`${archive}#${record.recordId}`)}" download>${text(record.recordId)}</a> <span class="sha">sha256 ${text(record.sha256.replace(/^sha256:/, '').slice(0, 16))}…</span>`;
}

function evidenceRow(result: EvidenceResult, depth: number, { t, lang, archive }: Ctx): string {
  const L = t.ui.labels;
  const { evidence } = result;
  const titleIsUrl = evidence.title === evidence.url;
  // The URL is printed under the title, so print CSS need not repeat it after the link.
  const main = link(evidence.url, evidence.title, ' class="ev-title" data-url-shown=""');
  const url = titleIsUrl ? '' : `<span class="url">${text(evidence.url)}</span>`;
  const redirected = result.finalUrl && result.finalUrl !== evidence.url
    ? `<span class="final">${labelled(L.finalUrl, lang)}${link(result.finalUrl, result.finalUrl, ' data-url-shown=""')}</span>`
    : '';

  const problem = firstFailedCheck(result);
  const status = statusText(result);
  const date = dateAndBasis(result, t);
  const fact = (cls: string, label: string, value: string) => (value ? `<li class="${cls}"><span class="k">${labelled(label, lang)}</span>${value}</li>` : '');
  const facts = [
    fact('reason', L.reason, problem ? text(checkText(problem, lang)) : ''),
    fact('http', L.httpStatus, text(status)),
    fact('date', L.lastUpdated, text(date)),
    fact('archive', L.archived, archivedCopy(result, archive)),
  ].join('');
  return `<tr class="ev v-${result.verdict}" data-verdict="${result.verdict}">`
    + '<td></td>'
    + `<td${indent(depth)}>${main}${url}${redirected}</td>`
    + '<td></td><td></td>'
    + `<td><span class="verdict v-${result.verdict}">${text(t.ui.verdict[result.verdict])}</span></td>`
    + '<td></td>'
    + `<td>${facts ? `<ul class="facts">${facts}</ul>` : ''}</td>`
    + '</tr>';
}

function indent(depth: number): string {
  return depth ? ` style="padding-left:${(0.4 + depth * 1.2).toFixed(1)}em"` : '';
}

// ---------------------------------------------------------------------------------------------
// Small helpers

/** A label before its value, punctuated as each language does: "要求：…", "Requirement: …". */
function labelled(label: string, lang: Lang): string {
  return text(label) + (lang === 'zh' ? '：' : ': ');
}

function fraction(score: number, max: number): number {
  if (!(max > 0)) return 0;
  return Math.min(1, Math.max(0, score / max));
}

/** The generated time as it is in China, where the pages are published and freshness is judged. */
function chinaTime(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')} (UTC+8)`;
}
