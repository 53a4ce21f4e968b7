import { editDistance } from '../util/suggest.js';
import type { Criteria, Indicator } from '../model/criteria.js';
import type { ChangedLines } from './changed.js';
import { countLeaves, ownerOf, prune, walk } from './tree.js';
import { type SelectionReason } from '../model/report.js';

export interface Selection {
  /**
   * Pruned: only the selected subtrees, with their ancestors. An ancestor keeps its id, title and
   * weight but holds only the children on a path to a selected node; a selected subtree, or an
   * ancestor whose whole subtree is selected, is the original object. Same path, title, settings.
   */
  criteria: Criteria;
  /** Ids of the selected indicators: the top-most selected nodes, in file order. */
  selected: string[];
  /** The top-most indicators left out, in file order. */
  skipped: { id: string; title: string }[];
  /** Why, for the report: "only indicators whose lines changed since origin/HEAD (3 of 21)", "--only 一.1 二". */
  /** Why these indicators, as data; each language's catalogue puts it in words. */
  reason: SelectionReason;
}

/**
 * `--only ID…`: the named indicators, each with its whole subtree. Ids are matched exactly (after
 * trimming). An unknown id gives a problem naming the closest known ids; nothing is selected then.
 */
export function selectByIds(criteria: Criteria, ids: string[]): Selection | { problem: string } {
  const wanted = ids.map((id) => id.trim()).filter((id) => id !== '');
  if (wanted.length === 0) return { problem: '--only needs at least one indicator id (e.g. --only 一.1 二)' };

  const byId = new Map<string, Indicator>();
  for (const indicator of walk(criteria.indicators)) byId.set(indicator.id, indicator);
  const known = [...byId.keys()];

  const problems: string[] = [];
  const chosen = new Set<Indicator>();
  for (const id of wanted) {
    const indicator = byId.get(id);
    if (indicator) chosen.add(indicator);
    else problems.push(unknownId(id, known, criteria));
  }
  if (problems.length > 0) return { problem: problems.join('; ') };

  const pruned = prune(criteria, topMost(criteria.indicators, chosen));
  return { criteria: pruned.criteria, selected: pruned.selected, skipped: pruned.skipped, reason: { kind: 'only', ids: wanted } };
}

/**
 * `--changed`: the indicators whose lines changed.
 * - A changed line inside a leaf selects that leaf.
 * - A changed line in a parent's own lines (outside all its children: its title, weight, max_age,
 *   keywords…, which the children inherit) selects the parent's whole subtree.
 * - A changed line outside every indicator (settings, defaults, version, title), or a file that
 *   is new at the ref, selects everything: those affect every check.
 * Nothing changed → nothing selected (`criteria.indicators` is empty); the caller decides what to do.
 */
export function selectByChangedLines(criteria: Criteria, changed: ChangedLines): Selection {
  const total = countLeaves(criteria.indicators);
  const everything = (reason: SelectionReason): Selection => ({
    criteria: { ...criteria, indicators: criteria.indicators },
    selected: criteria.indicators.map((i) => i.id),
    skipped: [],
    reason,
  });
  if (changed.wholeFile) {
    return everything({ kind: 'new-file', ref: changed.ref, total });
  }

  const chosen = new Set<Indicator>();
  const outside: number[] = [];
  for (const line of [...changed.lines].sort((a, b) => a - b)) {
    const owner = ownerOf(criteria.indicators, line);
    if (owner) chosen.add(owner);
    else outside.push(line);
  }
  if (outside.length > 0) {
    return everything({ kind: 'outside', ref: changed.ref, lines: outside, total });
  }

  const pruned = prune(criteria, topMost(criteria.indicators, chosen));
  const reason: SelectionReason = pruned.selected.length === 0
    ? { kind: 'none', ref: changed.ref, total }
    : { kind: 'changed', ref: changed.ref, selected: pruned.leaves, total };
  return { criteria: pruned.criteria, selected: pruned.selected, skipped: pruned.skipped, reason };
}

/** Drops chosen nodes that lie inside another chosen node's subtree. */
function topMost(indicators: readonly Indicator[], chosen: ReadonlySet<Indicator>): Set<Indicator> {
  const out = new Set<Indicator>();
  const visit = (nodes: readonly Indicator[]) => {
    for (const node of nodes) {
      if (chosen.has(node)) out.add(node);
      else visit(node.children);
    }
  };
  visit(indicators);
  return out;
}

function unknownId(id: string, known: string[], criteria: Criteria): string {
  const ranked = known
    .map((candidate) => ({ candidate, distance: editDistance(id.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ candidate, distance }) => distance <= Math.max(2, Math.floor(Math.max(id.length, candidate.length) / 2)))
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ candidate }) => candidate);
  if (ranked.length > 0) return `unknown indicator id "${id}" (did you mean ${ranked.join(', ')}?)`;
  const top = criteria.indicators.map((i) => i.id);
  return `unknown indicator id "${id}" (use an id as written in the criteria file; top-level ids: ` +
    `${top.slice(0, 10).join(', ')}${top.length > 10 ? ', …' : ''})`;
}
