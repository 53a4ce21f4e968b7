import type { AuditReport, Changes } from '../model/report.js';
import { catalogue, type Lang } from '../i18n/index.js';
import { leafResults } from '../score/score.js';
import { type IndicatorResult } from '../model/report.js';
import type { SelectionReason } from '../model/report.js';
import { array, Malformed, maybeNumber, number, object, string, strings, type Json } from './read-json.js';
import { problemText } from './words.js';

/**
 * The parts of a JSON report around its indicators, for src/report/read.ts: the selection
 * (--only, --changed) and the changes since a baseline. Their words are kept as written, or
 * worded again in `reword` when that is another language and the report says what they stand for.
 */
export function readSelection(j: Json, reword: Lang | undefined): Pick<AuditReport, 'selection' | 'selected'> {
  const skipped = array(j, 'skipped', 'selection').map((item, i) => idTitle(object(item, `selection.skipped[${i}]`), `selection.skipped[${i}]`));
  const basis = j.basis === undefined ? undefined : readBasis(object(j.basis, 'selection.basis'));
  const tableMaxScore = maybeNumber(j, 'table_max_score', 'selection');
  const text = string(j, 'reason', 'selection');
  return {
    selection: { reason: basis && reword ? catalogue(reword).ui.selection(basis) : text, skipped },
    ...(basis && tableMaxScore !== undefined ? { selected: { basis, tableMaxScore } } : {}),
  };
}

function readBasis(j: Json): SelectionReason {
  const at = 'selection.basis';
  const kind = string(j, 'kind', at);
  const count = (key: string) => number(j, key, at, { integer: true });
  switch (kind) {
    case 'only': return { kind, ids: strings(j, 'ids', at) };
    case 'new-file': case 'none': return { kind, ref: string(j, 'ref', at), total: count('total') };
    case 'outside': {
      const lines = array(j, 'lines', at).map((n, i) => number({ n }, 'n', `${at}.lines[${i}]`, { integer: true }));
      return { kind, ref: string(j, 'ref', at), lines, total: count('total') };
    }
    case 'changed': return { kind, ref: string(j, 'ref', at), selected: count('selected'), total: count('total') };
    default: throw new Malformed(`${at}.kind`, `"${kind}" is not a kind of selection`);
  }
}

const PREVIOUS: readonly string[] = ['pass', 'unverified', 'new'];
const KNOWN_CHANGES = new Set(['baseline', 'score_delta', 'newly_failing', 'fixed']);

/**
 * Changes as the report gives them. Lists added to `changes` later (link by link) are taken as
 * they are, their keys in camelCase as the model has them; each item must hold plain values.
 */
export function readChanges(j: Json, scored: IndicatorResult[], reword: Lang | undefined): Changes {
  const baseline = object(j.baseline, 'changes.baseline');
  const leaves = reword ? new Map(leafResults(scored).map((leaf) => [`${leaf.indicator.id}\n${leaf.indicator.title}`, leaf])) : undefined;
  const changes: Changes = {
    baseline: { path: string(baseline, 'path', 'changes.baseline'), finishedAt: string(baseline, 'finished_at', 'changes.baseline'), score: number(baseline, 'score', 'changes.baseline') },
    scoreDelta: number(j, 'score_delta', 'changes', { min: -Infinity }),
    newlyFailing: array(j, 'newly_failing', 'changes').map((item, i) => {
      const at = `changes.newly_failing[${i}]`;
      const o = object(item, at);
      const previous = string(o, 'previous', at);
      if (!PREVIOUS.includes(previous)) throw new Malformed(`${at}.previous`, 'expected pass, unverified or new');
      const { id, title } = idTitle(o, at);
      const leaf = leaves?.get(`${id}\n${title}`);
      const reason = leaf && reword ? problemText(leaf.problem, reword) : string(o, 'reason', at);
      return { id, title, reason, previous: previous as 'pass' | 'unverified' | 'new' };
    }),
    fixed: array(j, 'fixed', 'changes').map((item, i) => idTitle(object(item, `changes.fixed[${i}]`), `changes.fixed[${i}]`)),
  };
  for (const key of Object.keys(j)) {
    if (KNOWN_CHANGES.has(key)) continue;
    const list = array(j, key, 'changes').map((item, i) => plainItem(object(item, `changes.${key}[${i}]`), `changes.${key}[${i}]`));
    (changes as unknown as Record<string, unknown>)[camel(key)] = list;
  }
  return changes;
}

function plainItem(o: Json, where: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(o)) {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Malformed(`${where}.${key}`, 'expected a string or a number');
    out[camel(key)] = value;
  }
  return out;
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function idTitle(o: Json, where: string): { id: string; title: string } {
  return { id: string(o, 'id', where), title: string(o, 'title', where) };
}
