import type { Criteria, Indicator } from '../model/criteria.js';

/** The deepest indicator whose lines include `line`, or undefined when the line lies outside every indicator. */
export function ownerOf(indicators: readonly Indicator[], line: number): Indicator | undefined {
  for (const indicator of indicators) {
    if (line < indicator.span.startLine || line > indicator.span.endLine) continue;
    return ownerOf(indicator.children, line) ?? indicator;
  }
  return undefined;
}

/** Depth-first, in file order. */
export function* walk(indicators: readonly Indicator[]): Generator<Indicator> {
  for (const indicator of indicators) {
    yield indicator;
    yield* walk(indicator.children);
  }
}

/** Leaves are what a report counts as indicators: the nodes that cite evidence. */
export function countLeaves(indicators: readonly Indicator[]): number {
  let n = 0;
  for (const indicator of walk(indicators)) if (indicator.children.length === 0) n++;
  return n;
}

export interface Pruned {
  criteria: Criteria;
  selected: string[];
  skipped: { id: string; title: string }[];
  /** Leaves kept, for "3 of 21". */
  leaves: number;
}

/**
 * Keeps the chosen subtrees and their ancestors. An ancestor becomes a new object holding only
 * the children on a path to a chosen node; a chosen node, and an ancestor all of whose children
 * are kept unchanged, are kept as the very same object. Nothing is mutated.
 */
export function prune(criteria: Criteria, chosen: ReadonlySet<Indicator>): Pruned {
  const selected: string[] = [];
  const skipped: { id: string; title: string }[] = [];
  let leaves = 0;

  const visit = (nodes: readonly Indicator[]): Indicator[] => {
    const kept: Indicator[] = [];
    for (const node of nodes) {
      if (chosen.has(node)) {
        selected.push(node.id);
        leaves += countLeaves([node]);
        kept.push(node);
        continue;
      }
      if (node.children.length === 0 || !containsChosen(node.children, chosen)) {
        skipped.push({ id: node.id, title: node.title });
        continue;
      }
      const children = visit(node.children);
      const unchanged = children.length === node.children.length && children.every((c, i) => c === node.children[i]);
      kept.push(unchanged ? node : { ...node, children });
    }
    return kept;
  };

  const indicators = visit(criteria.indicators);
  return { criteria: { ...criteria, indicators }, selected, skipped, leaves };
}

function containsChosen(nodes: readonly Indicator[], chosen: ReadonlySet<Indicator>): boolean {
  for (const node of walk(nodes)) if (chosen.has(node)) return true;
  return false;
}
