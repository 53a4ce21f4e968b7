import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Pages saved from real government sites, kept beside the repository in ../shared/real-pages (its
 * README says where each comes from and what a careful reader finds on it). They are read as
 * they are, never copied into the project. CI always has them; a clone elsewhere skips the tests
 * that need them, saying so, and CI fails rather than skip.
 */
export const REAL_PAGES = join(import.meta.dirname, '..', '..', '..', 'shared', 'real-pages');
export const haveRealPages = existsSync(REAL_PAGES);

if (!haveRealPages) {
  const message = `real pages not found at ${REAL_PAGES}: clone the repository beside shared/`;
  if (process.env.CI) throw new Error(message);
  console.warn(`${message}; the tests that read them are skipped`);
}

export function realPage(name: string): Buffer {
  return readFileSync(join(REAL_PAGES, name));
}
