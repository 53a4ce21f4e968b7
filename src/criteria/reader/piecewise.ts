import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Node, YAMLMap } from 'yaml';
import type { Criteria, Indicator } from '../../model/criteria.js';
import type { Inherited } from './checks.js';
import { countLines, type ReadContext } from './context.js';
import { readIndicator } from './indicators.js';
import { readRoot } from './root.js';
import { MAX_YAML_DEPTH, OUT_OF_STACK, outOfStack, parseYaml } from './yaml-parse.js';
import { unsupportedNodes } from './yaml-unsupported.js';

// Large files, read piecewise: the top-level indicator items are found in the text, then parsed one at a time.

/**
 * Files longer than this (in characters) are parsed one top-level indicator at a time. yaml's syntax tree
 * takes some 45 times the file's size, so a 4 MB national table peaks near 300 MB of heap in one piece;
 * below this size a whole-document tree stays under ~25 MB and the single parse is the simpler path.
 */
export const PIECEWISE_MIN_LENGTH = 512 * 1024;

/** Where a large file's top-level `indicators:` items lie (offsets into the file). */
export interface IndicatorSplit {
  /** The `indicators:` key, at column 0. */
  key: number;
  /** The items run from the first item's line up to `end`: the line that ends the list, or the file's end. */
  start: number;
  end: number;
  /** The first line of each item, in file order. */
  items: number[];
}

/** Returned by a piecewise read that met something it cannot vouch for; the whole-document parse takes over. */
export const GIVE_UP = Symbol('give up');
export type GiveUp = typeof GIVE_UP;

// Pieces are parsed as the whole file is; no lineCounter, since every offset is mapped to the file's own.
const PIECE_OPTIONS = { uniqueKeys: true, prettyErrors: false } as const;

/**
 * Finds the top-level items of a large file whose `indicators:` is a block sequence at one indentation k,
 * or undefined when the file is small or shaped otherwise.
 *
 * Why cutting at each line of k spaces + "- " is sound: everything inside an item (its keys, block
 * scalars, continuation lines of plain, quoted or flow scalars) must be indented more than k, so a line
 * at indentation k that starts with "- " can only begin the next item, and a non-comment line in column 0
 * (other than an item when k = 0) can only end the list. Blank and comment lines split nothing: they stay
 * inside whichever piece they fall in. Any other line at indentation k or less is outside this simple
 * shape and the file is read whole. What the text alone can't settle (that `indicators:` really is a
 * root key, that a piece holds exactly one item) is checked on the parsed pieces, which give up if not.
 */
export function splitIndicators(text: string): IndicatorSplit | undefined {
  if (text.length <= PIECEWISE_MIN_LENGTH) return undefined;
  const key = /^indicators:(?:[ \t]+(?:#.*)?)?\r?$/m.exec(text)?.index;
  // A %YAML directive could switch the schema (1.1 booleans, octals) for the whole stream, not for a piece.
  if (key === undefined || /^%/m.test(text.slice(0, key))) return undefined;
  const first = firstItemLine(text, key);
  if (first === undefined) return undefined;
  const indent = first.indent;
  const items = [first.start];
  for (let line = nextLine(text, first.start); line < text.length; line = nextLine(text, line)) {
    const kind = lineKind(text, line, indent);
    if (kind === 'item') items.push(line);
    else if (kind === 'end') return { key, start: first.start, end: line, items };
    else if (kind === 'odd') return undefined;
  }
  return { key, start: first.start, end: text.length, items };
}

/** The first item under the key, skipping blank and comment lines; undefined when the value isn't a "- " list. */
function firstItemLine(text: string, key: number): { start: number; indent: number } | undefined {
  for (let line = nextLine(text, key); line < text.length; line = nextLine(text, line)) {
    const indent = leadingSpaces(text, line);
    if (isBlankOrComment(text, line + indent)) continue;
    return lineKind(text, line, indent) === 'item' ? { start: line, indent } : undefined;
  }
  return undefined;
}

/** 'odd' is a line outside the simple shape: a tab in the indentation, or text at or left of the items' column. */
type LineKind = 'item' | 'inside' | 'end' | 'odd';

/** What a line within the list is, for items at indentation `indent`. */
function lineKind(text: string, line: number, indent: number): LineKind {
  const spaces = leadingSpaces(text, line);
  const at = line + spaces;
  if (isBlankOrComment(text, at)) return 'inside';
  if (spaces === indent && isEntryIndicator(text, at)) return 'item';
  if (spaces > indent && text[at] !== '\t') return 'inside';
  // Column 0 ends the list, unless it is a tab or, when items sit in column 0, a "-" that may be one ("-\tx").
  if (spaces === 0 && text[at] !== '\t' && !(indent === 0 && text[at] === '-' && text[at + 1] === '\t')) return 'end';
  return 'odd';
}

/** A "-" followed by a space or the end of its line: a block sequence entry. */
function isEntryIndicator(text: string, at: number): boolean {
  const next = text[at + 1];
  return text[at] === '-' && (next === undefined || next === ' ' || next === '\n' || (next === '\r' && text[at + 2] === '\n'));
}

function leadingSpaces(text: string, from: number): number {
  let i = from;
  while (text[i] === ' ') i++;
  return i - from;
}

/** True when only spaces and tabs are left on the line before its end or a comment. */
function isBlankOrComment(text: string, from: number): boolean {
  let i = from;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const c = text[i];
  return c === undefined || c === '\n' || c === '#' || (c === '\r' && text[i + 1] === '\n');
}

/** The offset of the next line, or text.length when this is the last. */
function nextLine(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl + 1;
}

/**
 * A piece is trusted only if yaml had nothing to say about it and it holds no alias or tag: an alias may
 * name an anchor in another piece (or one redefined there), and yaml leaves unresolved aliases unreported.
 * The whole-document read then reports what it finds, so both reads always agree.
 */
function isCleanPiece(doc: Document, source: string): boolean {
  if (doc.errors.length > 0 || doc.warnings.length > 0) return false;
  const found = outOfStack(() => unsupportedNodes(doc, source));
  return found !== OUT_OF_STACK && found.length === 0;
}

/** More than the levels above a piece in the whole document (the root mapping, the indicators list). */
const PIECE_DEPTH_MARGIN = 8;

/** The single item of one chunk, or undefined when the chunk isn't one clean block-sequence item. */
function parseItem(chunk: string): Node | undefined {
  // A piece sits a few levels below the whole document's root, so one that comes near the limit is
  // left to the whole-document read, which alone can say exactly where the file goes too deep.
  const parsed = parseYaml(chunk, PIECE_OPTIONS, MAX_YAML_DEPTH - PIECE_DEPTH_MARGIN);
  if ('tooDeep' in parsed) return undefined;
  const doc = parsed.doc;
  const list = doc.contents;
  if (!isCleanPiece(doc, chunk) || !isSeq(list) || list.flow || list.items.length !== 1) return undefined;
  return list.items[0] as Node;
}

/** True when the head's root holds the `indicators:` key found by the split, with the cut-out list leaving it empty. */
function holdsCutList(root: YAMLMap, key: number): boolean {
  const pair = root.items.find((p) => isScalar(p.key) && p.key.value === 'indicators');
  const value = pair?.value;
  return isScalar(pair?.key) && pair.key.range?.[0] === key
    && isScalar(value) && value.value === null && value.source === '' && !value.tag && !value.anchor;
}

/**
 * Reads the file as a head (all but the top-level indicator items) and one piece per item, so that only
 * one item's syntax tree is alive at a time. Gives up on anything the whole-document read might see
 * differently, and that read then starts afresh.
 */
export function readPiecewise(ctx: ReadContext, split: IndicatorSplit): Criteria | GiveUp {
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
