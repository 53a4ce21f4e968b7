import * as cheerio from 'cheerio';

/** Asks the engine that will run the selector, so validation and audit agree on what is valid. */
export function selectorProblem(selector: string): string | undefined {
  try {
    cheerio.load('<html></html>')(selector);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
