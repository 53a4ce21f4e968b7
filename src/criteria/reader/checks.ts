import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import { parseDuration } from '../duration.js';
import { compileKeyword } from '../keyword.js';
import { selectorProblem } from '../selector.js';
import type { CheckOptions, KeywordRule, StatusRange } from '../../model/criteria.js';
import type { ReadContext } from './context.js';
import { CHECK_KEYS, KEYWORD_KEYS, RENDER_MODES } from './keys.js';
import { optionalString, readStringList } from './scalars.js';
import { compact, describe, detach } from './values.js';

// The checks any node may set for the evidence under it: status, max_age, keywords, selector, render.

export type Inherited = CheckOptions & { status: StatusRange[] };

/**
 * The checks in force under a node: what it inherits, overridden by its own. As `{ ...inherited, ...own }`,
 * key order included; but V8 gave each object spread from a spread object a hidden class of its own, some
 * 150 bytes apiece (20,000 indicators kept 40,000 of them, about 8 MB), where Object.assign shares one.
 */
export function inherit(inherited: Inherited, own: CheckOptions): Inherited {
  return Object.assign({}, inherited, own);
}

/**
 * The checks a mapping sets (`defaults:`, an indicator, an evidence). `standalone` when the mapping holds
 * nothing else, so that its keys are checked here; an indicator's or evidence's are checked with theirs.
 */
export function readChecks(ctx: ReadContext, node: Node | undefined, where: string, standalone: boolean): CheckOptions {
  if (node === undefined) return {};
  if (!isMap(node)) {
    ctx.report(ctx.at(node), `${where} must be a mapping`, 'indent keys such as `status: [200-299]` under it');
    return {};
  }
  if (standalone) ctx.checkKeys(node, CHECK_KEYS, `in ${where}`);
  const checks: CheckOptions = {};
  const status = readStatus(ctx, node);
  if (status) checks.status = status;
  const maxAge = readDurationValue(ctx, node, 'max_age', true);
  if (maxAge) checks.maxAge = maxAge;
  const keywords = readKeywords(ctx, node);
  if (keywords) checks.keywords = keywords;
  const selector = optionalString(ctx, node, 'selector');
  const problem = selector === undefined ? undefined : selectorProblem(selector);
  if (problem) {
    ctx.report(ctx.valueAt(node, 'selector'), `selector ${JSON.stringify(selector)} is not valid CSS: ${problem}`, 'write a CSS selector such as "#content" or ".article"');
  } else if (selector) {
    checks.selector = selector;
  }
  const render = readRenderMode(ctx, node);
  if (render) checks.render = render;
  return checks;
}

/** `status:` as one code or range, or a list of them; undefined when absent or all of them bad. */
function readStatus(ctx: ReadContext, map: YAMLMap): StatusRange[] | undefined {
  const node = map.get('status', true) as Node | undefined;
  if (node === undefined) return undefined;
  const items = isSeq(node) ? (node.items as Node[]) : [node];
  const ranges: StatusRange[] = [];
  for (const item of items) {
    const range = isScalar(item) ? parseStatusRange(item.value) : undefined;
    if (range) ranges.push(range);
    else ctx.report(ctx.at(item), `status must list HTTP codes or ranges, not ${describe(item)}`, 'write status: [200-299, 301]');
  }
  return ranges.length > 0 ? compact(ranges) : undefined;
}

/** 200, "200", "200-299", " 400 - 404 ": HTTP codes from 100 to 599, low end first. */
function parseStatusRange(value: unknown): StatusRange | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599) return { min: value, max: value };
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d{3})\s*(?:-\s*(\d{3})\s*)?$/.exec(value);
  if (!match) return undefined;
  const min = Number(match[1]);
  const max = Number(match[2] ?? match[1]);
  return min >= 100 && max <= 599 && min <= max ? { min, max } : undefined;
}

/** A duration under `key`, with the presets (news, notice, statutory) when `presets`. */
function readDurationValue(ctx: ReadContext, map: YAMLMap, key: string, presets: boolean) {
  const node = map.get(key, true) as Node | undefined;
  if (node === undefined) return undefined;
  const raw = isScalar(node) ? node.value : undefined;
  const parsed = typeof raw === 'string' || typeof raw === 'number' ? parseDuration(typeof raw === 'string' ? detach(raw) : raw, { presets }) : undefined;
  if (!parsed) {
    const options = presets ? '14d, 2w, 6mo, 1y, P6M, or a preset: news, notice, statutory' : '20s, 1m, PT30S';
    ctx.report(ctx.at(node), `${key} is not a valid duration: ${describe(node)}`, `use a duration such as ${options}`);
  }
  return parsed;
}

/** `keywords:` as a list (all must appear), one word, or {all, any, none}. */
function readKeywords(ctx: ReadContext, map: YAMLMap): KeywordRule | undefined {
  const node = map.get('keywords', true) as Node | undefined;
  if (node === undefined) return undefined;
  const rule: KeywordRule = { all: [], any: [], none: [] };
  if (isSeq(node)) {
    rule.all = readStringList(ctx, map, 'keywords') ?? [];
  } else if (isMap(node)) {
    ctx.checkKeys(node, KEYWORD_KEYS, 'in keywords');
    for (const key of KEYWORD_KEYS) rule[key] = readStringList(ctx, node, key) ?? [];
  } else if (isScalar(node) && typeof node.value === 'string') {
    rule.all = [detach(node.value.trim())];
  } else {
    ctx.report(ctx.at(node), `keywords must be a list or {all, any, none}, not ${describe(node)}`, 'write keywords: [预算, 决算]');
    return undefined;
  }
  checkRegexes(ctx, node);
  return rule;
}

/** Each keyword entry is checked where it stands, so the message points at the bad pattern. */
function checkRegexes(ctx: ReadContext, node: Node): void {
  const lists = isMap(node) ? node.items.map((pair) => pair.value as Node) : [node];
  const entries = lists.flatMap((list) => (isSeq(list) ? (list.items as Node[]) : [list]));
  for (const entry of entries) {
    const compiled = isScalar(entry) && typeof entry.value === 'string' ? compileKeyword(entry.value) : undefined;
    if (compiled && 'problem' in compiled) {
      ctx.report(ctx.at(entry), compiled.problem, 'fix the pattern, or drop the slashes to match it as plain text');
    }
  }
}

/** `render:` auto, always or never, for checks and for a host alike. */
export function readRenderMode(ctx: ReadContext, map: YAMLMap): CheckOptions['render'] {
  const value = optionalString(ctx, map, 'render');
  if (value === undefined) return undefined;
  if ((RENDER_MODES as readonly string[]).includes(value)) return value as CheckOptions['render'];
  ctx.report(ctx.valueAt(map, 'render'), `render must be auto, always or never, not ${JSON.stringify(value)}`, 'write render: always');
  return undefined;
}
