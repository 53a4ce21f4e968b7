import { createHash } from 'node:crypto';
import { isAlias, isMap, isScalar } from 'yaml';
import type { Document, YAMLMap } from 'yaml';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { readCriteriaSource } from './source.js';
import { countLines, ReadContext } from './reader/context.js';
import type { Inherited } from './reader/checks.js';
import { readIndicator, readIndicatorList } from './reader/indicators.js';
import { readRoot } from './reader/root.js';
import { SYNTAX_FIXES, syntaxErrorOffset, yamlMessage } from './reader/yaml-errors.js';
import { MAX_YAML_DEPTH, OUT_OF_STACK, outOfStack, parseYaml, type TooDeep } from './reader/yaml-parse.js';
import { GIVE_UP, holdsCutList, isCleanPiece, parseItem, PIECE_OPTIONS, splitIndicators, type GiveUp, type IndicatorSplit } from './reader/piecewise.js';
import { shortTag, tagOffset, unsupportedNodes } from './reader/yaml-unsupported.js';
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

/** Reads the file as one YAML document. */
function readWhole(ctx: ReadContext): Criteria | undefined {
  // The Document gets the options it always had; the parser records each line start in ctx.lines as it goes.
  const parsed = parseYaml(ctx.text, { lineCounter: ctx.lines, uniqueKeys: true, prettyErrors: true }, MAX_YAML_DEPTH);
  if ('tooDeep' in parsed) {
    reportTooDeep(ctx, parsed);
    return undefined;
  }
  const doc = parsed.doc;
  if (reportSyntaxErrors(ctx, doc)) return undefined;
  if (reportUnsupported(ctx, doc, parsed.deepest)) return undefined;
  reportWarnings(ctx, doc);
  const root = rootMapping(ctx, doc.contents);
  if (root === undefined) return undefined;
  // <never>: read whole, there is nothing to give up to.
  return readRoot<never>(ctx, root, (inherited) => readIndicatorList(ctx, root, 'indicators', '', inherited, 1));
}

/** Reports yaml's errors; true when there were any, and the file is read no further. */
function reportSyntaxErrors(ctx: ReadContext, doc: Document): boolean {
  const reported = new Set<string>();
  for (const error of doc.errors) {
    const message = error.code === 'MULTIPLE_DOCS'
      ? 'the file holds more than one YAML document'
      : yamlMessage(error);
    const pos = ctx.linePos(syntaxErrorOffset(ctx.text, error.pos[0], message));
    // One bad indent makes yaml raise several errors at the same spot; one is enough.
    if (reported.has(`${pos.line}:${pos.col}`)) continue;
    reported.add(`${pos.line}:${pos.col}`);
    ctx.report(pos, `YAML syntax error: ${message}`, SYNTAX_FIXES[error.code] ?? 'fix the YAML syntax at this point');
  }
  return doc.errors.length > 0;
}

function reportWarnings(ctx: ReadContext, doc: Document): void {
  for (const warning of doc.warnings) {
    // Unresolved tags were reported already; what is left (an unknown %YAML version) is worth a word.
    if (warning.code === 'TAG_RESOLVE_FAILED') continue;
    ctx.report(ctx.linePos(warning.pos[0]), `YAML: ${yamlMessage(warning)}`,
      'remove the %YAML directive; criteria files are YAML 1.2', 'warning');
  }
}

/** The document's root, when it is a mapping; otherwise undefined, with the reason reported. */
function rootMapping(ctx: ReadContext, root: Document['contents']): YAMLMap | undefined {
  if (root === null || (isScalar(root) && root.value === null && !root.source && !root.tag && !root.anchor)) {
    ctx.report(ctx.at(root), 'the criteria file is empty', 'start from the example in the README, with version: 1, title and indicators');
    return undefined;
  }
  if (!isMap(root)) {
    ctx.report(ctx.at(root), 'the criteria file must be a mapping with version, title and indicators',
      'start from the example in the README');
    return undefined;
  }
  return root;
}

/** The one message for a file too deep to read, at the place; the parser stopped there, so the lines are counted anew. */
function reportTooDeep(ctx: ReadContext, { tooDeep, overflow }: TooDeep): void {
  ctx.lines = countLines(ctx.text);
  ctx.report(ctx.linePos(tooDeep), overflow ? 'the YAML nests too deeply here to be read' : `the YAML nests more than ${MAX_YAML_DEPTH} levels deep here`,
    'a criteria file needs a few levels: look for brackets that are never closed, indentation that keeps growing, or keys run together on one line, as in a: b: c:');
}

/** Reports aliases and unknown tags; true when there were any, and the file is read no further. */
function reportUnsupported(ctx: ReadContext, doc: Document, deepest: number): boolean {
  const found = outOfStack(() => unsupportedNodes(doc, ctx.text));
  if (found === OUT_OF_STACK) {
    reportTooDeep(ctx, { tooDeep: deepest, overflow: true });
    return true;
  }
  const lines = new Set<number>();
  for (const { node, kind } of found) {
    if (kind === 'alias') {
      const pos = ctx.at(node);
      // A line of aliases ([*a, *a, *a, …]) is one mistake, not nine.
      if (lines.has(pos.line)) continue;
      lines.add(pos.line);
      ctx.report(pos, `YAML aliases (${isAlias(node) ? `*${node.source.slice(0, 40)}` : '*'}) are not supported in criteria files`,
        'write the value out in full; checks shared by many indicators belong in defaults: or on a parent indicator');
    } else {
      const tag = shortTag(node.tag!);
      ctx.report(ctx.linePos(tagOffset(ctx.text, node)), `YAML tag ${JSON.stringify(tag).slice(1, -1).slice(0, 60)} is not supported in criteria files`,
        'remove the tag: a criteria file holds only text, numbers, true/false, lists and mappings');
    }
  }
  return found.length > 0;
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

