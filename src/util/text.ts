/** Spaces that Chinese pages use between characters: nbsp, ideographic space, zero-width ones. */
export const ODD_SPACES = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]/g;

/** For matching Chinese text, whitespace between characters is layout, not content. */
export function withoutSpaces(text: string): string {
  return text.replace(ODD_SPACES, '').replace(/\s+/g, '').toLowerCase();
}
