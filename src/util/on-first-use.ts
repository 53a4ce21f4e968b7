import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/**
 * A package loaded by the first call rather than at start-up, for libraries most runs never
 * touch, needed from synchronous code (criteria validation, formatting). require() of an ES module
 * works without a warning on Node 20.19+ and 22.12+, which package.json requires; a CommonJS
 * package comes back as its exports.
 */
export function onFirstUse<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(name) as T);
}
