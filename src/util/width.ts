import { onFirstUse } from './on-first-use.js';

/**
 * string-width sets up an Intl.Segmenter when imported, ~30 ms of every start-up, and only the
 * table and the progress bar measure text: it is loaded on their first call.
 */
const measure = onFirstUse<typeof import('string-width')>('string-width');

/** The columns `text` takes on a terminal (CJK and emoji count two). */
export function stringWidth(text: string): number {
  return measure().default(text);
}
