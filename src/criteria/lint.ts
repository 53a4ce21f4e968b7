import type { Diagnostic } from './diagnostics.js';
import type { Criteria, Evidence, Indicator, SourcePosition } from '../model/criteria.js';

/**
 * Stable names of the lint rules: scripts, CI annotations and (later) per-rule switches match on
 * them, so a name never changes meaning once released.
 */
export type LintRule =
  | 'same-url-different-labels'
  | 'url-reused-across-indicators'
  | 'insecure-http'
  | 'no-evidence'
  | 'weights-mismatch'
  | 'duplicate-evidence';

export type LintSeverity = 'warning' | 'info';

export type LintDiagnostic = Omit<Diagnostic, 'severity'> & { severity: LintSeverity; rule: LintRule };

/** Every rule with its severity and a one-line summary, in the order a reader meets them. */
export const LINT_RULES: Readonly<Record<LintRule, { severity: LintSeverity; summary: string }>> = {
  'same-url-different-labels': {
    severity: 'warning',
    summary: 'one URL cited under two unrelated evidence titles: usually a copy-paste slip',
  },
  'duplicate-evidence': {
    severity: 'warning',
    summary: 'one indicator cites the same URL twice under the same title',
  },
  'url-reused-across-indicators': {
    severity: 'info',
    summary: 'one URL cited by several indicators',
  },
  'insecure-http': {
    severity: 'warning',
    summary: 'an evidence link uses plain http://',
  },
  'no-evidence': {
    severity: 'warning',
    summary: 'a leaf indicator with `evidence: []` scores 0',
  },
  'weights-mismatch': {
    severity: 'info',
    summary: 'the top-level weights do not add up to 100',
  },
};

/** Tables are marked out of 100; another total is legal but worth a look. */
const EXPECTED_TOTAL = 100;

interface Citation {
  evidence: Evidence;
  indicator: Indicator;
  /** `new URL(url).href`: host case, default ports and an empty path do not make two URLs differ. */
  key: string;
  /** Whether the URL parses, with the http: scheme. */
  http: boolean;
  /** The title as a label to compare, or undefined when the evidence has none (it shows its URL). */
  label: string | undefined;
}

/**
 * Problems that are legal but probably mistakes. Severity 'warning', or 'info' for informational
 * ones. The parent-versus-children weight check is not repeated here: the loader already warns.
 * Sorted by line, then column, then rule name.
 */
export function lintCriteria(criteria: Criteria): LintDiagnostic[] {
  const out: LintDiagnostic[] = [];
  const push = (rule: LintRule, pos: SourcePosition, message: string, fix: string): void => {
    out.push({ severity: LINT_RULES[rule].severity, rule, file: criteria.path, line: pos.line, col: pos.col, message, fix });
  };

  const citations: Citation[] = [];
  for (const indicator of walk(criteria.indicators)) {
    if (indicator.children.length > 0) continue;
    if (indicator.evidence && indicator.evidence.length === 0) {
      push('no-evidence', indicator.position,
        `indicator ${indicator.id} (${indicator.title}) cites no evidence: it will score 0 of its ${indicator.weight} points`,
        'add the links the table cites for it; keep `evidence: []` only if the table really cites none');
    }
    for (const evidence of indicator.evidence ?? []) {
      citations.push({ evidence, indicator, ...parseUrl(evidence.url), label: labelOf(evidence) });
    }
  }

  // Each URL's citations in file order.
  const byUrl = new Map<string, Citation[]>();
  for (const citation of citations) {
    const list = byUrl.get(citation.key) ?? [];
    list.push(citation);
    byUrl.set(citation.key, list);
  }

  for (const citation of citations) {
    const { evidence, indicator } = citation;
    if (citation.http) {
      push('insecure-http', evidence.position,
        `evidence ${quoteTitle(evidence)} in ${indicator.id} links over plain http: ${evidence.url}`,
        'use https:// if the site supports it');
    }
  }

  for (const list of byUrl.values()) {
    if (list.length < 2) continue;
    lintRepeatedUrl(list, push);
  }

  const top = criteria.indicators;
  if (top.length > 0) {
    const total = top.reduce((sum, i) => sum + i.weight, 0);
    if (Math.abs(total - EXPECTED_TOTAL) > 1e-9) {
      push('weights-mismatch', top[0]!.position,
        `the top-level weights add up to ${round(total)}, not ${EXPECTED_TOTAL} (${top.map((i) => `${i.id}: ${i.weight}`).join(', ')})`,
        `check the weights against the table; leave them if the table is not marked out of ${EXPECTED_TOTAL}`);
    }
  }

  return out.sort((a, b) => a.line - b.line || a.col - b.col || a.rule.localeCompare(b.rule));
}

type Push = (rule: LintRule, pos: SourcePosition, message: string, fix: string) => void;

/**
 * The citations of one URL, in file order; there are at least two. A URL may be cited thousands of
 * times (a site's home page), so nothing here rescans the earlier citations for each one: a label is
 * compared with each distinct earlier label (few, as a rule: the same column's title again and again),
 * and the first citation in each indicator is looked up.
 */
function lintRepeatedUrl(list: Citation[], push: Push): void {
  const first = list[0]!;
  const reportedLabel = new Set<Citation>();

  // A label unrelated to every earlier label of the URL: reported once per new label, naming the
  // first citation whose label it contradicts.
  let firstLabelled: Citation | undefined;
  // Distinct labels in file order (a Set keeps insertion order); only a new one is compared with them.
  const seen = new Set<string>();
  for (const here of list) {
    const label = here.label;
    if (label === undefined) continue;
    const other = firstLabelled;
    const known = seen.has(label) || [...seen].some((earlier) => sameLabel(earlier, label));
    seen.add(label);
    firstLabelled ??= here;
    if (known || !other) continue;
    reportedLabel.add(here);
    push('same-url-different-labels', here.evidence.position,
      `evidence "${here.evidence.title}" (${here.indicator.id}) links to the same URL as "${other.evidence.title}" ` +
      `(${other.indicator.id}, line ${other.evidence.position.line}): ${here.evidence.url}`,
      'check which link was meant: two different columns rarely share one address');
  }

  // The same URL twice in one indicator; a different label is already reported above.
  const firstIn = new Map<Indicator, Citation>();
  for (const here of list) {
    const before = firstIn.get(here.indicator);
    if (!before) firstIn.set(here.indicator, here);
    if (!before || reportedLabel.has(here)) continue;
    push('duplicate-evidence', here.evidence.position,
      `indicator ${here.indicator.id} cites ${here.evidence.url} twice (first at line ${before.evidence.position.line})`,
      'remove the repeated entry, or correct it to the link that was meant');
  }

  // Several indicators: once per URL, where the second indicator first cites it.
  const second = list.find((c) => c.indicator !== first.indicator);
  if (second) {
    const ids = [...new Set(list.map((c) => c.indicator.id))];
    push('url-reused-across-indicators', second.evidence.position,
      `${second.evidence.url} is cited by ${ids.length} indicators: ${ids.join(', ')} (first at line ${first.evidence.position.line})`,
      'fine if one page serves them all; otherwise link each indicator to its own page');
  }
}

function* walk(indicators: readonly Indicator[]): Generator<Indicator> {
  for (const indicator of indicators) {
    yield indicator;
    yield* walk(indicator.children);
  }
}

/** The URL parsed once, for its key and its scheme; one that does not parse is its own key. */
function parseUrl(url: string): { key: string; http: boolean } {
  try {
    const parsed = new URL(url);
    return { key: parsed.href, http: parsed.protocol === 'http:' };
  } catch {
    return { key: url, http: false };
  }
}

/**
 * Titles are compared without spaces, punctuation or letter case. An evidence without a title
 * shows its URL instead: that is no label, so it never contradicts another.
 */
function labelOf(evidence: Evidence): string | undefined {
  if (evidence.title === evidence.url) return undefined;
  const label = evidence.title.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
  return label === '' ? undefined : label;
}

/**
 * Two labels name the same thing when one contains the other: "疫情防控" and "新冠疫情防控",
 * "六稳六保" and "六稳六保工作" are one column named more or less fully, while
 * "社会公益事业及重点民生领域" and "公共资源配置" are two columns.
 */
function sameLabel(a: string, b: string): boolean {
  return a.includes(b) || b.includes(a);
}

function quoteTitle(evidence: Evidence): string {
  return evidence.title === evidence.url ? '(untitled)' : `"${evidence.title}"`;
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
