import { createHash } from 'node:crypto';
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { readCriteriaSource } from './source.js';
import { countLines, ReadContext } from './reader/context.js';
import { readWhole } from './reader/whole.js';
import type { Inherited } from './reader/checks.js';
import { readIndicator } from './reader/indicators.js';
import { readRoot } from './reader/root.js';
import { MAX_YAML_DEPTH, parseYaml } from './reader/yaml-parse.js';
import { GIVE_UP, holdsCutList, isCleanPiece, parseItem, PIECE_OPTIONS, splitIndicators, type GiveUp, type IndicatorSplit } from './reader/piecewise.js';
import type {
  Criteria, Indicator,
} from './types.js';

export { MAX_URL_LENGTH, maskCredentials } from './reader/evidence.js';
export { MAX_INDICATOR_DEPTH } from './reader/indicators.js';
export { PIECEWISE_MIN_LENGTH, splitIndicators, type IndicatorSplit } from './reader/piecewise.js';
export { MAX_YAML_DEPTH, tooDeepAt } from './reader/yaml-parse.js';

export interface LoadResult {
  criteria?: Criteria;
  diagnostics: Diagnostic[];
}

/**
 * Reads and validates a criteria file. Problems come back as diagnostics, never as a throw: a file that
 * is too large, binary or not UTF-8 is refused before it is parsed (see source.ts).
 */
export async function loadCriteriaFile(path: string, displayPath = path): Promise<LoadResult> {
  const source = await readCriteriaSource(path, displayPath);
  if ('diagnostic' in source) return { diagnostics: [source.diagnostic] };
  return parseCriteria(source.text, displayPath);
}

/** How a file was read: in one piece, piecewise, or piecewise abandoned for the whole-document parse. */
export type ReadPath = 'whole' | 'piecewise' | 'fallback';

export interface ParseOptions {
  /** Internal, for tests: false forces the whole-document parse that large files otherwise avoid. */
  piecewise?: boolean;
  /** Internal, for tests: told which path produced the result, so a test can tell the piecewise one really ran. */
  onRead?: (path: ReadPath) => void;
}

export function parseCriteria(text: string, file: string, options: ParseOptions = {}): LoadResult {
  // Editors on Windows start UTF-8 files with a byte-order mark. It is no part of the YAML, and without
  // it the columns on line 1 are the editor's; the hash stays that of the text as read.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const read = readCriteria(body, file, options.piecewise !== false);
  if (read.criteria && body !== text) read.criteria.sha256 = createHash('sha256').update(text).digest('hex');
  options.onRead?.(read.path);
  // In file order, as an editor lists them, whatever order the tree was walked in.
  const diagnostics = [...read.diagnostics].sort((a, b) => a.line - b.line || a.col - b.col);
  return { criteria: hasErrors(diagnostics) ? undefined : read.criteria, diagnostics };
}

interface Read {
  criteria: Criteria | undefined;
  diagnostics: Diagnostic[];
  path: ReadPath;
}

function readCriteria(text: string, file: string, piecewise: boolean): Read {
  const split = piecewise ? splitIndicators(text) : undefined;
  if (split) {
    const ctx = new ReadContext(text, file);
    const criteria = readPiecewise(ctx, split);
    if (criteria !== GIVE_UP) return { criteria, diagnostics: ctx.diagnostics, path: 'piecewise' };
  }
  // A fresh context, so nothing an abandoned piecewise attempt reported survives.
  const ctx = new ReadContext(text, file);
  return { criteria: readWhole(ctx), diagnostics: ctx.diagnostics, path: split ? 'fallback' : 'whole' };
}

/**
 * Reads the file as a head (all but the top-level indicator items) and one piece per item, so that only
 * one item's syntax tree is alive at a time. Gives up on anything the whole-document read might see
 * differently, and that read then starts afresh.
 */
function readPiecewise(ctx: ReadContext, split: IndicatorSplit): Criteria | GiveUp {
  ctx.lines = countLines(ctx.text);
  const root = readHead(ctx, split);
  if (root === undefined) return GIVE_UP;
  return readRoot(ctx, root, (inherited) => readIndicatorPieces(ctx, split, inherited));
}

/** Parses the file with the item lines cut out; positions after the cut are shifted back to the file's. */
function readHead(ctx: ReadContext, split: IndicatorSplit): YAMLMap | undefined {
  const cut = split.end - split.start;
  const head = ctx.text.slice(0, split.start) + ctx.text.slice(split.end);
  const parsed = parseYaml(head, PIECE_OPTIONS, MAX_YAML_DEPTH);
  if ('tooDeep' in parsed) return undefined;
  const doc = parsed.doc;
  const root = doc.contents;
  if (!isCleanPiece(doc, head) || !isMap(root) || root.flow || !holdsCutList(root, split.key)) return undefined;
  ctx.fileOffset = (offset) => (offset < split.start ? offset : offset + cut);
  return root;
}

/** Each item is parsed on its own and read at once, so its Document can be collected before the next. */
function readIndicatorPieces(ctx: ReadContext, split: IndicatorSplit, inherited: Inherited): Indicator[] | GiveUp {
  const headOffset = ctx.fileOffset;
  const indicators: Indicator[] = [];
  for (const [index, start] of split.items.entries()) {
    const item = parseItem(ctx.text.slice(start, split.items[index + 1] ?? split.end));
    if (item === undefined) return GIVE_UP;
    ctx.fileOffset = (offset) => offset + start;
    const indicator = readIndicator(ctx, item, index, '', inherited, 1);
    if (indicator) indicators.push(indicator);
  }
  ctx.fileOffset = headOffset;
  return indicators;
}

