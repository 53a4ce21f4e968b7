import { withoutSpaces } from '../util/text.js';

/** Matches against the visible text and the same text with every space removed. */
export type KeywordMatcher = (text: string, compact: string) => boolean;

const REGEX_SYNTAX = /^\/(.*)\/([A-Za-z]*)$/s;
/** g and y make RegExp.test stateful; d does nothing here. */
const USABLE_FLAGS = /^[imsuv]*$/;

/**
 * `/pattern/flags` is a regular expression, anything else plain text. Both ignore the spaces
 * pages put between Chinese characters: a regex is tried on the text with and without them.
 */
export function compileKeyword(word: string): { match: KeywordMatcher } | { problem: string } {
  const regex = REGEX_SYNTAX.exec(word);
  if (!regex) {
    const needle = withoutSpaces(word);
    return { match: (_text, compact) => compact.includes(needle) };
  }
  const [, source, flags] = regex;
  if (!USABLE_FLAGS.test(flags!)) return { problem: `keyword ${word} has flags "${flags}"; only i, m, s, u and v can be used` };
  try {
    const pattern = new RegExp(source!, flags);
    return { match: (text, compact) => pattern.test(text) || pattern.test(compact) };
  } catch (error) {
    return { problem: `keyword ${word} is not a valid regular expression: ${(error as Error).message}` };
  }
}
