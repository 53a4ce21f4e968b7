import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { Indicator } from '../../model/criteria.js';
import { inherit, readChecks, type Inherited } from './checks.js';
import type { ReadContext } from './context.js';
import { readEvidenceList } from './evidence.js';
import { INDICATOR_KEYS } from './keys.js';
import { optionalString } from './scalars.js';
import { compact, describe, detach, round } from './values.js';
import { hasMergeKey } from './yaml-unsupported.js';

// The indicator tree: ids, weights, and either child indicators or the evidence of a leaf.

/**
 * How deeply indicators may nest. Published tables have three or four levels (一级、二级、三级指标);
 * reports indent every level and print each id's dotted path, so a deeper tree is a generator's mistake,
 * not a table, and the limit also bounds the recursion in scoring and rendering.
 */
export const MAX_INDICATOR_DEPTH = 32;

/** The list of indicators under `key`: the top level, or an indicator's children. */
export function readIndicatorList(ctx: ReadContext, map: YAMLMap, key: string, parentId: string, inherited: Inherited, depth: number): Indicator[] | undefined {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) return undefined;
  if (!isSeq(node)) {
    ctx.report(ctx.at(node), `${key} must be a list of indicators`, 'start each indicator with "- title: ..."');
    return undefined;
  }
  return compact((node.items as Node[]).flatMap((item, index) => {
    const indicator = readIndicator(ctx, item, index, parentId, inherited, depth);
    return indicator ? [indicator] : [];
  }));
}

/** An indicator at `depth`, 1 for the top level. */
export function readIndicator(ctx: ReadContext, node: Node, index: number, parentId: string, inherited: Inherited, depth: number): Indicator | undefined {
  const position = ctx.at(node);
  if (!isMap(node)) {
    ctx.report(position, `an indicator must be a mapping, not ${describe(node)}`, 'write "- title: ...", "weight: N" and evidence or indicators');
    return undefined;
  }
  ctx.checkKeys(node, INDICATOR_KEYS, 'in an indicator');
  const id = readId(ctx, node) ?? (parentId ? `${parentId}.${index + 1}` : String(index + 1));
  claimId(ctx, id, node);
  const title = optionalString(ctx, node, 'title') ?? id;
  const weight = readWeight(ctx, node, id);
  const checks = inherit(inherited, readChecks(ctx, node, 'indicator', false));

  const indicator: Indicator = { id, title, weight, children: [], position, span: ctx.spanOf(node) };
  const requirement = optionalString(ctx, node, 'requirement');
  if (requirement) indicator.requirement = requirement;
  readContents(ctx, node, indicator, checks, depth);
  return indicator;
}

/** What an indicator holds: child indicators, read one level deeper, or (a leaf) its evidence. */
function readContents(ctx: ReadContext, node: YAMLMap, indicator: Indicator, checks: Inherited, depth: number): void {
  const id = indicator.id;
  if (node.has('indicators') && node.has('evidence')) {
    ctx.report(ctx.valueAt(node, 'evidence'), `indicator ${id} has both indicators and evidence`,
      'move the evidence into a child indicator, or the children into their own indicator');
  }
  if (node.has('indicators') && depth >= MAX_INDICATOR_DEPTH) {
    ctx.report(ctx.valueAt(node, 'indicators'), `indicators nest more than ${MAX_INDICATOR_DEPTH} levels deep here`,
      'published tables have three or four levels: check the indentation, or flatten the tree');
  } else if (node.has('indicators')) {
    indicator.children = readIndicatorList(ctx, node, 'indicators', id, checks, depth + 1) ?? [];
    if (isSeq(node.get('indicators', true)) && indicator.children.length === 0) {
      ctx.report(ctx.valueAt(node, 'indicators'), `indicator ${id} has an empty indicators list`,
        'add child indicators, or write `evidence: []` if the table cites nothing for it');
    }
    if (node.has('weight')) warnOnWeightSum(ctx, indicator, node);
  } else {
    indicator.evidence = readEvidenceList(ctx, node, id, checks);
  }
}

/** Ids as written: an unquoted `id: 1.10` is a number to YAML, but "1.10" to the user. */
function readId(ctx: ReadContext, node: YAMLMap): string | undefined {
  const value = node.get('id', true) as Node | undefined;
  if (isScalar(value) && typeof value.value === 'number' && value.source) return detach(value.source);
  const id = optionalString(ctx, node, 'id');
  // Ids are printed raw in tables and diagnostics, so they must not carry terminal controls.
  if (id !== undefined && /[\u0000-\u001f\u007f-\u009f]/.test(id)) {
    ctx.report(ctx.valueAt(node, 'id'), `id ${JSON.stringify(id)} contains control characters`, 'use letters, digits, dots and CJK characters');
    return undefined;
  }
  return id;
}

/** Records where an id is first used; a second use is reported. */
function claimId(ctx: ReadContext, id: string, node: YAMLMap): void {
  const earlier = ctx.seenIds.get(id);
  const pos = ctx.valueAt(node, 'id');
  if (earlier) {
    ctx.report(pos, `duplicate indicator id "${id}" (first used at line ${earlier.line})`, 'give each indicator its own id');
  } else {
    ctx.seenIds.set(id, pos);
  }
}

/** `weight:`, a finite number of at least 0; 0 when it is missing or bad, which is reported. */
function readWeight(ctx: ReadContext, node: YAMLMap, id: string): number {
  // A `<<` key was reported already; what it would have merged in is not missing as well.
  if (!node.has('weight') && hasMergeKey(node)) return 0;
  if (!node.has('weight')) {
    ctx.report(ctx.at(node), `indicator ${id} has no weight`, 'add `weight: N`, the points it is worth');
    return 0;
  }
  const value = node.get('weight', true) as Node;
  const weight = isScalar(value) ? value.value : undefined;
  if (typeof weight === 'string' && weight.trim() !== '' && Number.isFinite(Number(weight))) {
    ctx.report(ctx.at(value), `weight must be a number, not the text ${JSON.stringify(weight)}`, `remove the quotes: weight: ${weight.trim()}`);
    return 0;
  }
  if (typeof weight !== 'number' || !Number.isFinite(weight)) {
    ctx.report(ctx.at(value), `weight must be a ${typeof weight === 'number' ? 'finite ' : ''}number, not ${describe(value)}`, 'write weight: 3');
    return 0;
  }
  if (weight < 0) {
    ctx.report(ctx.at(value), `weight must be a number of at least 0, not ${weight}`, 'use weight: 0 or more');
    return 0;
  }
  return weight;
}

/** A parent's weight that differs from its children's sum is a warning: the score uses the children's. */
function warnOnWeightSum(ctx: ReadContext, indicator: Indicator, node: YAMLMap): void {
  if (indicator.children.length === 0) return;
  const sum = indicator.children.reduce((total, child) => total + child.weight, 0);
  if (Math.abs(sum - indicator.weight) > 1e-9) {
    ctx.report(ctx.valueAt(node, 'weight'),
      `indicator ${indicator.id} has weight ${indicator.weight}, but its children add up to ${round(sum)}`,
      'make the weights agree; the score uses the children\'s weights', 'warning');
  }
}
