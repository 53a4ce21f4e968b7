/**
 * How deeply a criteria file may nest (MAX_YAML_DEPTH), in every shape yaml can nest, and what the reader
 * does should yaml run out of stack all the same: a located message, never an internal error.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Composer, Parser, visit, type Document } from 'yaml';
import { MAX_YAML_DEPTH, parseCriteria, tooDeepAt } from '../../src/criteria/load.js';

const FILE = 'c.yaml';
/** Lines 1 to 5; what each test adds starts on line 6. */
const HEAD = 'version: 1\ntitle: t\nindicators:\n  - id: a\n    weight: 1\n';
const TOO_DEEP = `the YAML nests more than ${MAX_YAML_DEPTH} levels deep here`;

function errorsOf(text: string) {
  return parseCriteria(text, FILE).diagnostics.map(({ line, col, message, fix }) => ({ line, col, message, fix }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('nesting is bounded in every shape', () => {
  // Collections opened mid-line show neither as brackets nor as indentation; a bound from the text missed
  // them, and such files reached yaml's composer unchecked.
  it.each([
    ['keys run together on one line', `    evidence: ${'a: '.repeat(2000)}x`],
    ['block lists and mappings inside flow lists', `    evidence: ${'[- a: '.repeat(300)}`],
    ['explicit keys run together', `    evidence: ${'? '.repeat(2000)}x`],
  ])('refuses %s at the place, with one message', (_, body) => {
    const errors = errorsOf(`${HEAD}${body}\n`);
    expect(errors).toEqual([{ line: 6, col: expect.any(Number), message: TOO_DEEP, fix: expect.stringContaining('keys run together on one line') }]);
    expect(tooDeepAt(`${HEAD}${body}\n`)).toBeDefined();
  });

  it('still reads a file nested right up to the limit, in the same shapes', () => {
    // 120 `[- ` hold 240 constructs open, under the indicator's few: yaml gives its syntax error, not the limit's.
    const errors = errorsOf(`${HEAD}    evidence: ${'[- '.repeat(120)}\n`);
    expect(errors.map((e) => e.message)).not.toContain(TOO_DEEP);
  });
});

describe('yaml running out of stack all the same', () => {
  const overflow = () => new RangeError('Maximum call stack size exceeded');

  it('is reported where the text nests deepest when composing runs out, not thrown', () => {
    vi.spyOn(Composer.prototype, 'compose').mockImplementation(function* () { throw overflow(); });
    const text = `${HEAD}    evidence: [[[x]]]\n`;
    expect(errorsOf(text)).toEqual([{ line: 6, col: 17, message: 'the YAML nests too deeply here to be read', fix: expect.stringContaining('brackets') }]);
  });

  it('is reported when yaml\'s parser runs out', () => {
    vi.spyOn(Parser.prototype, 'parse').mockImplementation(function* () { throw overflow(); });
    expect(errorsOf(`${HEAD}    evidence: []\n`)).toEqual([expect.objectContaining({ message: 'the YAML nests too deeply here to be read' })]);
  });

  it('is reported when the walk for aliases and tags runs out, on a tree yaml composed', () => {
    // The walk runs out at the first list, where a really deep tree would have run it out further down.
    const compose = Composer.prototype.compose;
    vi.spyOn(Composer.prototype, 'compose').mockImplementation(function* (this: Composer, ...args) {
      for (const doc of compose.apply(this, args)) {
        visit(doc as Document, { Seq: (_, seq) => { Object.defineProperty(seq, 'items', { get: () => { throw overflow(); } }); return visit.BREAK; } });
        yield doc;
      }
    });
    const errors = errorsOf(`${HEAD}    title: !!str 1.10\n    evidence: [x]\n`);
    expect(errors).toEqual([expect.objectContaining({ message: 'the YAML nests too deeply here to be read' })]);
  });

  it('lets any other error through: it is a bug, not a fault in the file', () => {
    vi.spyOn(Composer.prototype, 'compose').mockImplementation(function* () { throw new RangeError('Invalid array length'); });
    expect(() => parseCriteria(`${HEAD}    evidence: []\n`, FILE)).toThrow('Invalid array length');
  });
});
