import { LineCounter, isScalar } from 'yaml';
import type { Node, Pair, YAMLMap } from 'yaml';
import { closest } from '../../util/suggest.js';
import { ValuePool } from '../../util/value-pool.js';
import type { Diagnostic } from '../diagnostics.js';
import type { SourcePosition } from '../../model/criteria.js';
import { detach, isWhitespace } from './values.js';
import { isMergeKey } from './yaml-unsupported.js';

/**
 * What one read of a criteria file carries from node to node: the text and where each offset in it is,
 * the diagnostics so far, and what must be unique or shared across the file. Every reader function takes
 * it first, so that every problem can name the line and column it comes from.
 */
export class ReadContext {
  readonly diagnostics: Diagnostic[] = [];
  lines = new LineCounter();
  readonly seenIds = new Map<string, SourcePosition>();
  /** Maps an offset in the text yaml parsed (the whole file, or one piece of it) to an offset in the file. */
  fileOffset: (offset: number) => number = (offset) => offset;

  /** Evidence with the same rules share one frozen object of them: 20,000 copies of one rule set were 8 objects each. */
  readonly checksPool = new ValuePool();

  constructor(readonly text: string, readonly file: string) {}

  /** Line and column in the file of an offset in the text yaml parsed. */
  linePos(offset: number): SourcePosition {
    return this.lines.linePos(this.fileOffset(offset));
  }

  at(node: Node | Pair | null | undefined): SourcePosition {
    const range = node && 'range' in node ? node.range : undefined;
    const offset = range?.[0] ?? 0;
    return this.linePos(offset);
  }

  /**
   * The lines a node stands on, from its first character to its last. yaml's range ends after the
   * node's trailing whitespace, and after an indented comment under a list item it reaches the
   * indentation of the next item's line: that line then fell in two indicators' spans, and
   * `--changed` gave an edit there to the one before.
   */
  spanOf(node: Node): { startLine: number; endLine: number } {
    const [start = 0, , end = start] = node.range ?? [];
    const first = this.fileOffset(start);
    let last = Math.max(first, this.fileOffset(end) - 1);
    while (last > first && isWhitespace(this.text.charCodeAt(last))) last--;
    return { startLine: this.lines.linePos(first).line, endLine: this.lines.linePos(last).line };
  }

  /** Where a key's value is written; the key itself when it has none, the mapping when the key is absent. */
  valueAt(map: YAMLMap, key: string): SourcePosition {
    const value = map.get(key, true) as Node | undefined;
    return this.at(value ?? keyNode(map, key) ?? map);
  }

  report(pos: SourcePosition, message: string, fix?: string, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push({ severity, file: this.file, line: pos.line, col: pos.col, message: detach(message), ...(fix ? { fix: detach(fix) } : {}) });
  }

  /** Reports each key of the mapping not in `allowed`, with the closest allowed one as the likely typo. */
  checkKeys(map: YAMLMap, allowed: readonly string[], where: string): void {
    for (const pair of map.items) {
      if (isMergeKey(pair.key)) {
        this.report(this.at(pair.key as Node), 'YAML merge keys (<<) are not supported in criteria files',
          'write the keys out in full; checks shared by many indicators belong in defaults: or on a parent indicator');
        continue;
      }
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && allowed.includes(key)) continue;
      const suggestion = key === undefined ? undefined : closest(key, allowed);
      this.report(
        this.at(pair.key as Node),
        `unknown key "${key ?? '?'}" ${where}`,
        suggestion ? `did you mean "${suggestion}"?` : `allowed keys: ${allowed.join(', ')}`,
      );
    }
  }
}

function keyNode(map: YAMLMap, key: string): Node | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.key as Node | undefined;
}

/** The line starts yaml's parser records for a whole text: offset 0 and after every "\n" ("\r\n" ends with one). */
export function countLines(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) lines.addNewLine(nl + 1);
  return lines;
}
