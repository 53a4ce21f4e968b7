/** Spaces that Chinese pages use between characters: nbsp, ideographic space, zero-width ones. */
export const ODD_SPACES = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/g;

/** Every ODD_SPACES character but U+200B is already \s; one pass removes them all. */
const SPACES = /[\s\u200b]+/g;

/** For matching Chinese text, whitespace between characters is layout, not content. */
export function withoutSpaces(text: string): string {
  return text.replace(SPACES, '').toLowerCase();
}
