import { createHash } from 'node:crypto';

/**
 * The HTML report's stylesheet and script, kept apart from the markup. Both are fixed text: nothing
 * from the report ever goes into them, so the script can be pinned by its hash in the page's CSP.
 */

const FONTS = `"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif`;

export const HTML_CSS = `
:root {
  color-scheme: light;
  --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --track: #e6e9ed; --total: #0b5cad;
  --pass: #1a7f37; --fail: #c62828; --unverified: #8a5a00;
  --pass-bg: #eef8f0; --fail-bg: #fdf0f0; --unverified-bg: #fdf6e3;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0 auto; padding: 24px; max-width: 1180px;
  font-family: ${FONTS};
  font-size: 14px; line-height: 1.5; color: var(--ink); background: #fff;
}
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 24px 0 8px; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 15px; margin: 12px 0 4px; break-after: avoid; page-break-after: avoid; }
a { color: #0b5cad; }
.subtitle { margin: 0 0 10px; color: var(--muted); }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
.meta dt { color: var(--muted); }
.meta dd { margin: 0; overflow-wrap: anywhere; }
.mono, .url { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
.notice { border: 1px solid var(--line); border-left-width: 5px; padding: 8px 12px; margin: 12px 0; }
.notice.warn { border-color: var(--unverified); }
.notice p { margin: 0; }
.notice ul { margin: 4px 0 0; padding-left: 20px; }
.summary { display: flex; flex-wrap: wrap; gap: 16px 32px; align-items: flex-start; margin-top: 16px; }
.total { flex: 0 0 auto; text-align: center; min-width: 220px; }
.total svg { display: block; width: 220px; height: 124px; margin: 0 auto; }
.gauge-track { fill: none; stroke: var(--track); }
.gauge-value { fill: none; stroke: var(--total); }
.gauge-frame { fill: none; stroke: var(--muted); stroke-width: 0.5; }
.total-text { margin: -6px 0 0; font-size: 15px; }
.total-score { font-size: 30px; font-weight: 700; }
.counts { margin: 6px 0 0; font-size: 13px; color: var(--muted); text-align: center; }
.sections { flex: 1 1 420px; min-width: 0; }
.sections h2 { margin-top: 0; }
.sections ol { list-style: none; margin: 0; padding: 0; }
.section-bar { display: grid; grid-template-columns: minmax(8em, 14em) 1fr max-content; gap: 2px 10px; align-items: center; padding: 3px 0; break-inside: avoid; page-break-inside: avoid; }
.section-name { overflow-wrap: anywhere; }
.section-bar svg { display: block; width: 100%; height: 14px; }
.bar-track { fill: var(--track); }
.bar-frame { fill: none; stroke: var(--muted); stroke-width: 1; vector-effect: non-scaling-stroke; }
.section-figures { font-size: 13px; white-space: nowrap; font-variant-numeric: tabular-nums; }
.v-pass .bar-fill { fill: var(--pass); }
.v-fail .bar-fill { fill: var(--fail); }
.v-unverified .bar-fill { fill: var(--unverified); }
.verdict { font-weight: 600; white-space: nowrap; }
.verdict::before { display: inline-block; width: 1.1em; }
.verdict.v-pass { color: var(--pass); }
.verdict.v-fail { color: var(--fail); }
.verdict.v-unverified { color: var(--unverified); }
.verdict.v-pass::before { content: "\\2713"; }
.verdict.v-fail::before { content: "\\2717"; }
.verdict.v-unverified::before { content: "?"; }
.filter { margin: 16px 0 8px; font-size: 14px; }
.filter label { cursor: pointer; user-select: none; }
.filter input { width: 16px; height: 16px; vertical-align: -3px; margin: 0 6px 0 0; }
.filtered-note, .no-problems { display: none; }
body.only-failures .no-problems { display: block; }
body.only-failures tr.v-pass { display: none; }
table.indicators { width: 100%; border-collapse: collapse; font-size: 13px; }
.indicators th, .indicators td { border-bottom: 1px solid var(--line); padding: 5px 6px; text-align: left; vertical-align: top; }
.indicators thead th { border-bottom: 2px solid var(--ink); white-space: nowrap; }
.indicators thead { display: table-header-group; }
.indicators tr { break-inside: avoid; page-break-inside: avoid; }
.indicators .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.indicators .col-title { width: 34%; }
.indicators .col-problem { width: 34%; }
tr.ind td:first-child { border-left: 4px solid transparent; }
tr.ind.v-pass td:first-child { border-left-color: var(--pass); }
tr.ind.v-fail td:first-child { border-left-color: var(--fail); }
tr.ind.v-unverified td:first-child { border-left-color: var(--unverified); }
tr.ind.v-fail { background: var(--fail-bg); }
tr.ind.v-unverified { background: var(--unverified-bg); }
tr.ind.depth-0 .title { font-weight: 700; }
tr.ev td { border-bottom-style: dotted; font-size: 12.5px; }
.requirement { color: var(--muted); font-size: 12px; margin-top: 2px; }
.requirement .k { font-weight: 600; }
.ev .url, .ev .final { display: block; color: var(--muted); font-size: 11.5px; overflow-wrap: anywhere; word-break: break-all; }
.ev-title::before { content: "\\21B3\\00A0"; color: var(--muted); }
.facts { list-style: none; margin: 0; padding: 0; }
.facts li { overflow-wrap: anywhere; }
.facts .k { color: var(--muted); }
.reason { font-weight: 600; }
.changes ul { margin: 4px 0; padding-left: 20px; }
.changes li { break-inside: avoid; page-break-inside: avoid; }
.delta-up { color: var(--pass); }
.delta-down { color: var(--fail); }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 16pt; }
  .summary { flex-wrap: nowrap; gap: 12px 20px; }
  .total { min-width: 0; }
  .total svg { width: 150px; height: 85px; }
  .total-score { font-size: 20pt; }
  .sections { flex: 1 1 auto; }
  .section-bar { grid-template-columns: minmax(6em, 11em) 1fr max-content; }
  .indicators .col-title { width: 40%; }
  .indicators .col-problem { width: 32%; }
  .indicators th, .indicators td { padding: 3px 4px; }
  .filter, .filter * { display: none !important; }
  body.only-failures .filtered-note { display: block; }
  .filtered-note { font-style: italic; margin: 4px 0; }
  table.indicators { font-size: 8.5pt; }
  tr.ev td { font-size: 8pt; }
  tr.ind.v-fail, tr.ind.v-unverified { background: none; }
  a { color: inherit; text-decoration: none; }
  a[href]:not([data-url-shown])::after { content: " <" attr(href) ">"; font-size: 90%; overflow-wrap: anywhere; word-break: break-all; }
  .summary { break-inside: avoid; page-break-inside: avoid; }
}
`;

/**
 * The "only failures" filter. The box is hidden until this runs, so without scripts nothing is
 * hidden and nothing is offered that cannot work. A box restored as checked on reload is honoured.
 */
export const HTML_SCRIPT = `
(function () {
  var box = document.getElementById('only-failures');
  var wrap = document.getElementById('filter');
  if (!box || !wrap) return;
  function apply() { document.body.classList.toggle('only-failures', box.checked); }
  box.addEventListener('change', apply);
  wrap.hidden = false;
  apply();
})();
`;

/** The CSP source that allows exactly HTML_SCRIPT, so no injected inline handler could ever run. */
export const HTML_SCRIPT_HASH = `'sha256-${createHash('sha256').update(HTML_SCRIPT, 'utf8').digest('base64')}'`;
