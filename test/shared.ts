import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Data kept beside the repository in ../shared (real government pages, the seed table): read in
 * place, never copied into the project. CI always has it, so there a missing file fails the run;
 * a clone elsewhere (a new machine, /tmp/fresh) skips the tests that need it, saying so, rather
 * than fail `npm test` for something the project does not ship.
 */
export const SHARED = join(import.meta.dirname, '..', '..', 'shared');

export function sharedFile(...parts: string[]): { path: string; present: boolean } {
  const path = join(SHARED, ...parts);
  const present = existsSync(path);
  if (!present) {
    const message = `${path} not found: clone the repository beside shared/`;
    if (process.env.CI) throw new Error(message);
    console.warn(`${message}; the tests that read it are skipped`);
  }
  return { path, present };
}
