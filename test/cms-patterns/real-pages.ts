import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedFile } from '../shared.js';

/** Pages saved from real government sites (../shared/real-pages; its README says what a careful reader finds on each). */
const { path: REAL_PAGES, present } = sharedFile('real-pages');
export const haveRealPages = present;

export function realPage(name: string): Buffer {
  return readFileSync(join(REAL_PAGES, name));
}
