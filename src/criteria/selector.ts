import { onFirstUse } from '../util/on-first-use.js';

/**
 * cheerio, loaded on first use: it adds ~60 ms and several MB to every start-up, and only
 * evidence with a `selector:` needs it. Loaded with require (its CommonJS build) because criteria
 * validation is synchronous; validation and the audit share this one copy.
 */
export const cheerio = onFirstUse<typeof import('cheerio')>('cheerio');

/** Asks the engine that will run the selector, so validation and audit agree on what is valid. */
export function selectorProblem(selector: string): string | undefined {
  const { load } = cheerio(); // outside the try: a missing library is no fault of the selector
  try {
    load('<html></html>')(selector);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
