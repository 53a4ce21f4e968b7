import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { circles, importGraph, shortName, sourceFiles } from './imports.js';

/**
 * The house rules a newcomer relies on (ARCHITECTURE.md), checked so they stay true: no import
 * circles in src/ (type-only imports included), the shared model at the bottom importing no stage,
 * and files and functions small enough to read.
 */
const MAX_FILE_LINES = 500;
const MAX_FUNCTION_LINES = 80;

describe('src/', () => {
  it('has no import circles, type-only imports included', () => {
    expect(circles(importGraph()).map((circle) => circle.map(shortName))).toEqual([]);
  });

  it('keeps the model at the bottom: src/model imports nothing but itself and src/util', () => {
    const upward = [...importGraph()].flatMap(([file, targets]) => shortName(file).startsWith('model/')
      ? targets.map(shortName).filter((t) => !t.startsWith('model/') && !t.startsWith('util/')).map((t) => `${shortName(file)} -> ${t}`)
      : []);
    expect(upward).toEqual([]);
  });

  it(`has no file over ${MAX_FILE_LINES} lines`, () => {
    const long = sourceFiles().map((f) => [shortName(f), readFileSync(f, 'utf8').split('\n').length] as const).filter(([, n]) => n > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines`, () => {
    expect(sourceFiles().flatMap(longFunctions)).toEqual([]);
  });
});

/** Functions, methods, arrows and accessors longer than the limit, by where they start. */
function longFunctions(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > MAX_FUNCTION_LINES) found.push(`${shortName(file)}:${start + 1} (${end - start + 1} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
