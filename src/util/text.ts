/**
 * Runs of spaces within a line, with the ones Chinese pages put between characters: nbsp,
 * ideographic space, zero-width ones.
 */
export const SPACES_IN_LINE = /[ \t\f\v\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+/g;

/** Every odd space above but U+200B is already \s; one pass removes them all. */
const SPACES = /[\s\u200b]+/g;

/** For matching Chinese text, whitespace between characters is layout, not content. */
export function withoutSpaces(text: string): string {
  return text.replace(SPACES, '').toLowerCase();
}
