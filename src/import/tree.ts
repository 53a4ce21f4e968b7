import type { DraftEvidence, Marker, Outline, OutlineNode } from './types.js';

/**
 * The outline as a criteria tree: ids as published (一, 一.1, 一.1.2; 1, 1.2 for tables numbered
 * in digits; the position where nothing is printed), and weights checked rather than trusted:
 * a missing one, or children that do not add up to their parent, become doubts.
 */

export interface DraftIndicator {
  id: string;
  title: string;
  weight: number;
  requirement?: string;
  children: DraftIndicator[];
  /** On leaves only; [] keeps an indicator that cites nothing. */
  evidence?: DraftEvidence[];
  /** Said on the title line. */
  doubts: string[];
  /** Said on the weight line. */
  weightDoubts: string[];
}

export interface Draft {
  title: string;
  indicators: DraftIndicator[];
  /** About the whole table: said on the title line. */
  doubts: string[];
}

/** Weights are points; sums are compared and shown to a millionth, so 0.1 + 0.2 is 0.3. */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function buildTree(outline: Outline, fallbackTitle: string, title?: string): Draft {
  const doubts = [...outline.doubts];
  const used = new Set<string>();
  const indicators = outline.roots.map((node, i) => draftOf(node, i, undefined, used));
  const sum = round(indicators.reduce((s, d) => s + d.weight, 0));
  if (outline.total && Math.abs(outline.total.weight - sum) > 1e-6) {
    doubts.push(`the 合计 (total) row says ${outline.total.weight} (${outline.total.where}), but the sections add up to ${sum}`);
  }
  const chosen = title ?? outline.title;
  if (!chosen) doubts.push('no title found in the source; the file name stands in: set one with --title');
  return { title: chosen ?? fallbackTitle, indicators, doubts };
}

function draftOf(node: OutlineNode, index: number, parentId: string | undefined, used: Set<string>): DraftIndicator {
  const doubts = [...node.doubts];
  const id = idOf(node.marker, index, parentId, used, doubts);
  const children = node.children.map((child, i) => draftOf(child, i, id, used));
  const draft: DraftIndicator = {
    id,
    title: node.title,
    weight: 0,
    ...(node.requirement ? { requirement: node.requirement } : {}),
    children,
    ...(children.length === 0 ? { evidence: node.evidence ?? [] } : {}),
    doubts,
    weightDoubts: [...node.weightDoubts],
  };
  settleWeight(draft, node);
  return draft;
}

/** The top level keeps its numeral as printed (一, 1); below, each level adds its number: 一.1, 一.1.2. */
function idOf(marker: Marker | undefined, index: number, parentId: string | undefined, used: Set<string>, doubts: string[]): string {
  const own = marker ? (parentId === undefined ? marker.numeral : String(marker.number)) : String(index + 1);
  const join = (part: string) => (parentId === undefined ? part : `${parentId}.${part}`);
  let id = join(own);
  if (used.has(id)) {
    let n = index + 1;
    while (used.has(join(String(n)))) n++;
    const replacement = join(String(n));
    doubts.push(`the number ${id} is printed twice; this one gets the id ${replacement}`);
    id = replacement;
  }
  used.add(id);
  return id;
}

function settleWeight(draft: DraftIndicator, node: OutlineNode): void {
  const sum = round(draft.children.reduce((s, c) => s + c.weight, 0));
  const unread = draft.weightDoubts.length > 0;
  if (node.weight === undefined) {
    if (draft.children.length > 0) {
      draft.weight = sum;
      if (!unread) draft.weightDoubts.push(`no weight was published for it (${node.where}); the sum of its indicators, ${sum}, is used`);
    } else if (!unread) {
      draft.weightDoubts.push(`no weight was published for it (${node.where}); fill it in`);
    }
    return;
  }
  draft.weight = node.weight;
  if (draft.children.length > 0 && Math.abs(sum - node.weight) > 1e-6) {
    draft.weightDoubts.push(`its indicators add up to ${sum}, not ${node.weight} (${draft.children.map((c) => `${c.id}: ${c.weight}`).join(', ')})`);
  }
}

/** Counts for the summary: sections are the top level, indicators the leaves. */
export function countDraft(draft: Draft): { sections: number; indicators: number; weight: number; links: number } {
  let indicators = 0;
  let links = 0;
  const walk = (nodes: DraftIndicator[]) => {
    for (const node of nodes) {
      if (node.children.length === 0) {
        indicators++;
        links += node.evidence?.length ?? 0;
      }
      walk(node.children);
    }
  };
  walk(draft.indicators);
  return { sections: draft.indicators.length, indicators, weight: round(draft.indicators.reduce((s, d) => s + d.weight, 0)), links };
}
