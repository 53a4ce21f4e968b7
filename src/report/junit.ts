import type { EvidenceResult } from '../model/results.js';
import { catalogue, explain, type Catalogue, type Lang } from '../i18n/index.js';
import type { IndicatorResult } from '../model/report.js';
import type { Formatter } from './formatter.js';
import { sanitize } from './sanitize.js';
import { checkText, firstFailedCheck, escapeMarkup, statusText } from './words.js';

/**
 * JUnit XML, the dialect GitLab, Jenkins and Azure Pipelines all read: each top-level indicator is
 * a `<testsuite>`, each evidence a `<testcase>` whose classname is its leaf indicator (id and title
 * path). Failed evidence carries a `<failure>` with the reason as its message and the reason code
 * as its type; unverified evidence is `<skipped>`. A leaf that cites nothing is one failing
 * testcase, so the missing evidence shows in CI. Counts are of testcases, so they are the report's
 * evidence counts plus one failure per leaf without evidence.
 */
export const junitFormatter: Formatter = {
  name: 'junit',
  format(report, options) {
    const t = catalogue(options.lang);
    const timestamp = isoSeconds(report.startedAt);
    const suites = report.indicators.map((top) => suite(top, timestamp, t, options.lang));
    const sum = (key: 'tests' | 'failures' | 'skipped') => suites.reduce((n, s) => n + s.counts[key], 0);
    const wall = Math.max(0, report.finishedAt.getTime() - report.startedAt.getTime());
    const root = attributes({
      name: sanitize(report.title),
      tests: sum('tests'),
      failures: sum('failures'),
      errors: 0,
      skipped: sum('skipped'),
      time: seconds(wall),
    });
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites${root}>`,
      ...suites.flatMap((s) => s.lines.map((line) => `  ${line}`)),
      '</testsuites>',
      '',
    ].join('\n');
  },
};

interface Case {
  name: string;
  classname: string;
  durationMs: number;
  /** Child element lines, or none for a pass. */
  body: string[];
  outcome: 'pass' | 'failure' | 'skipped';
}

function suite(top: IndicatorResult, timestamp: string, t: Catalogue, lang: Lang) {
  const cases = leavesWithPath(top, []).flatMap(({ leaf, path }) => leafCases(leaf, path, t, lang));
  const counts = {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome === 'failure').length,
    skipped: cases.filter((c) => c.outcome === 'skipped').length,
  };
  const durationMs = cases.reduce((ms, c) => ms + c.durationMs, 0);
  const open = attributes({
    name: sanitize(`${top.indicator.id} ${top.indicator.title}`),
    tests: counts.tests,
    failures: counts.failures,
    errors: 0,
    skipped: counts.skipped,
    time: seconds(durationMs),
    timestamp,
  });
  const lines = [`<testsuite${open}>`];
  for (const c of cases) {
    const attrs = attributes({ name: c.name, classname: c.classname, time: seconds(c.durationMs) });
    if (c.body.length === 0) lines.push(`  <testcase${attrs}/>`);
    else lines.push(`  <testcase${attrs}>`, ...c.body.map((line) => `    ${line}`), '  </testcase>');
  }
  lines.push('</testsuite>');
  return { counts, lines };
}

function leavesWithPath(result: IndicatorResult, above: string[]): { leaf: IndicatorResult; path: string[] }[] {
  const path = [...above, result.indicator.title];
  return result.evidence ? [{ leaf: result, path }] : result.children.flatMap((c) => leavesWithPath(c, path));
}

function leafCases(leaf: IndicatorResult, path: string[], t: Catalogue, lang: Lang): Case[] {
  const classname = sanitize(`${leaf.indicator.id} ${path.join(' › ')}`);
  const evidence = leaf.evidence ?? [];
  if (evidence.length === 0) {
    const why = leaf.problem?.reason;
    const message = why ? sanitize(explain(why, lang)) : t.ui.verdict.fail;
    const detail = `${t.ui.labels.indicator}: ${sanitize(`${leaf.indicator.id} ${leaf.indicator.title}`)}\n${message}`;
    return [{
      name: sanitize(`${leaf.indicator.id} ${leaf.indicator.title}`),
      classname,
      durationMs: 0,
      outcome: 'failure',
      body: [`<failure${attributes({ message, type: why?.code ?? 'NO_EVIDENCE' })}>${text(detail)}</failure>`],
    }];
  }
  return evidence.map((e) => evidenceCase(e, classname, t, lang));
}

function evidenceCase(result: EvidenceResult, classname: string, t: Catalogue, lang: Lang): Case {
  const base = { name: sanitize(result.evidence.title), classname, durationMs: result.durationMs };
  if (result.verdict === 'pass') return { ...base, outcome: 'pass', body: [] };
  const problem = firstFailedCheck(result);
  const message = problem ? checkText(problem, lang) : t.ui.verdict[result.verdict];
  if (result.verdict === 'unverified') {
    return { ...base, outcome: 'skipped', body: [`<skipped${attributes({ message })}/>`] };
  }
  const type = problem?.reason.code ?? 'FAIL';
  return { ...base, outcome: 'failure', body: [`<failure${attributes({ message, type })}>${text(detail(result, t, lang))}</failure>`] };
}

/** Everything a reader needs to act without the JSON: where, what came back, every check. */
function detail(result: EvidenceResult, t: Catalogue, lang: Lang): string {
  const { labels } = t.ui;
  const lines = [`${labels.url}: ${sanitize(result.evidence.url)}`];
  if (result.finalUrl && result.finalUrl !== result.evidence.url) lines.push(`${labels.finalUrl}: ${sanitize(result.finalUrl)}`);
  const status = statusText(result);
  if (status) lines.push(`${labels.httpStatus}: ${status}`);
  if (result.lastUpdated) lines.push(`${labels.lastUpdated}: ${sanitize(result.lastUpdated)} (${sanitize(t.ui.dateSource(result.dateSource ?? ''))})`);
  lines.push(`${labels.criteria}: ${result.evidence.position.line}`);
  for (const check of result.checks) {
    lines.push(`[${t.ui.verdict[check.status]}] ${check.name}: ${checkText(check, lang)}`);
  }
  return lines.join('\n');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** ISO 8601 without milliseconds or zone letter: the form the JUnit schema's `timestamp` takes. */
function isoSeconds(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values).map(([key, value]) => ` ${key}="${attr(String(value))}"`).join('');
}

/**
 * Code points XML 1.0 forbids outright: C0 controls other than tab, LF and CR; U+FFFE and U+FFFF;
 * and UTF-16 surrogates that are not part of a pair. A parser rejects the whole file for one.
 */
const ILLEGAL_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;


export function stripIllegalXml(value: string): string {
  return value.replace(ILLEGAL_XML, '');
}

/** Element content. `>` is escaped too, so `]]>` can never appear. */
export function text(value: string): string {
  return escapeMarkup(stripIllegalXml(value));
}

/** An attribute value. Tab, LF and CR as references, or the parser would normalise them to spaces. */
export function attr(value: string): string {
  return text(value).replace(/[\t\n\r]/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
