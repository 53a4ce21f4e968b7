import { createRequire } from 'node:module';

type StringWidth = typeof import('string-width').default;

let measure: StringWidth | undefined;

/**
 * The columns `text` takes on a terminal (CJK and emoji count two). string-width sets up an
 * Intl.Segmenter when imported, ~30 ms of every start-up, and only the table and the progress bar
 * measure text: it is loaded on their first call. require() of this ES module is synchronous, as
 * formatting is (Node ≥ 20.19, which package.json requires).
 */
export function stringWidth(text: string): number {
  measure ??= (createRequire(import.meta.url)('string-width') as typeof import('string-width')).default;
  return measure(text);
}
