import { isMap, isScalar, isSeq } from 'yaml';
import type { Node } from 'yaml';

// Small helpers for what the reader keeps and what its messages show; they know nothing of criteria.

/**
 * A copy of a string that holds on to nothing else. The strings yaml hands out are mostly V8 slices of the
 * text it parsed, and a slice keeps its whole parent alive: one URL kept in the criteria kept the whole
 * file's text (7 MB for 20,000 indicators) after the load. Concatenating, then slicing, makes V8 flatten
 * the pair into a string of its own first, so what is kept refers to that and not to the file.
 */
export function detach(text: string): string {
  return ` ${text}`.slice(1);
}

/**
 * An array with room for what it holds and no more. Arrays grown by push or flatMap keep room for 16 more
 * items, some 130 bytes each; the criteria keep two or three small lists per indicator for the whole run.
 */
export function compact<T>(list: T[]): T[] {
  return list.slice();
}

/** The whitespace yaml may leave at the end of a node's range: spaces, tabs, line breaks. */
export function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** A value as a message names it: the value itself, shortened, or what kind of node it is. */
export function describe(node: Node | undefined): string {
  if (node === undefined) return 'nothing';
  if (isScalar(node)) {
    const { value } = node;
    if (value === null) return 'an empty value';
    // .nan, .inf and 1e999 have no JSON form; show them as written.
    if (typeof value === 'number' && !Number.isFinite(value)) return node.source ?? String(value);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return clip(JSON.stringify(value));
    return 'an unexpected value';
  }
  if (isSeq(node)) return 'a list';
  if (isMap(node)) return 'a mapping';
  return 'an unexpected value';
}

/** A value shown in a message: long ones are cut, so a pasted page does not flood the terminal. */
export function clip(shown: string, max = 100): string {
  return shown.length <= max ? shown : `${shown.slice(0, max)}…`;
}

/** A sum as a message shows it, without the float noise of adding weights such as 0.1. */
export function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
