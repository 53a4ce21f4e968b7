/**
 * The criteria loader's entry points, loadCriteriaFile and parseCriteria, and the limits callers and tests
 * name. The reading itself is in reader/: yaml-parse (the parse, with the nesting-depth guard), yaml-errors,
 * yaml-unsupported, whole (the file as one document), piecewise (large files, one top-level indicator at a
 * time), root, settings, checks, indicators and evidence (the parts of the file), over context (positions
 * and diagnostics), scalars, values and keys.
 */
import { createHash } from 'node:crypto';
import { hasErrors, type Diagnostic } from './diagnostics.js';
import { readCriteriaSource } from './source.js';
import { ReadContext } from './reader/context.js';
import { readWhole } from './reader/whole.js';
import { GIVE_UP, readPiecewise, splitIndicators } from './reader/piecewise.js';
import type { Criteria } from '../model/criteria.js';

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

