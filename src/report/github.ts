import type { EvidenceResult } from '../model/results.js';
import { catalogue, explain, type Catalogue, type Lang } from '../i18n/index.js';
import { leafResults } from '../score/score.js';
import { type IndicatorResult } from '../model/report.js';
import type { Formatter } from './formatter.js';
import { sanitize } from './sanitize.js';
import { checkText, firstFailedCheck, formatNumber, statusText } from './words.js';

/**
 * GitHub Actions workflow commands: `::error` for each failed evidence and `::warning` for each
 * unverified one, each annotating the line of the criteria file where that evidence's entry
 * starts; a leaf that cites nothing is an `::error` at the indicator's own line. A `::notice` with
 * the score ends the output. (The markdown for `$GITHUB_STEP_SUMMARY` is the command layer's.)
 */
export const githubFormatter: Formatter = {
  name: 'github',
  format(report, options) {
    const t = catalogue(options.lang);
    const file = (options.sourcePath ?? report.criteria.path).replace(/\\/g, '/');
    const lines = leafResults(report.indicators).flatMap((leaf) => leafCommands(leaf, file, options.lang));
    if (!report.complete) lines.push(command('warning', { title: sanitize(report.title) }, t.ui.labels.incomplete));
    const { totals } = report;
    const score = t.ui.score(formatNumber(totals.score), formatNumber(totals.maxScore));
    const counts = `${t.ui.indicatorCounts(totals.indicators)} · ${t.ui.evidenceCounts(totals.evidence)}`;
    lines.push(command('notice', { title: sanitize(report.title) }, `${score} · ${counts}`));
    return lines.join('\n') + '\n';
  },
};


function leafCommands(leaf: IndicatorResult, file: string, lang: Lang): string[] {
  const { indicator } = leaf;
  const evidence = leaf.evidence ?? [];
  if (evidence.length === 0) {
    const message = leaf.problem ? sanitize(explain(leaf.problem.reason, lang)) : catalogue(lang).ui.verdict.fail;
    const where = { file, line: indicator.position.line, col: indicator.position.col };
    return [command('error', { ...where, title: sanitize(`${indicator.id} ${indicator.title}`) }, message)];
  }
  return evidence.filter((e) => e.verdict !== 'pass').map((e) => evidenceCommand(e, indicator.id, file, catalogue(lang), lang));
}

function evidenceCommand(result: EvidenceResult, id: string, file: string, t: Catalogue, lang: Lang): string {
  const { evidence } = result;
  const problem = firstFailedCheck(result);
  const status = statusText(result);
  const message = [problem ? checkText(problem, lang) : t.ui.verdict[result.verdict], status, sanitize(evidence.url)]
    .filter(Boolean)
    .join(' · ');
  const properties = { file, line: evidence.position.line, col: evidence.position.col, title: sanitize(`${id} ${evidence.title}`) };
  return command(result.verdict === 'fail' ? 'error' : 'warning', properties, message);
}

type Properties = Record<string, string | number>;

function command(name: 'error' | 'warning' | 'notice', properties: Properties, message: string): string {
  const props = Object.entries(properties).map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** The runner's rules for a command's message (toolkit `escapeData`). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The runner's rules for a property value (toolkit `escapeProperty`): `:` and `,` delimit them. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
