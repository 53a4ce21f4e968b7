/**
 * The seed policy for property tests (fast-check). A run from a seed drawn at random goes red by luck:
 * the first seed to find a rare input fails a CI run whose change had nothing to do with it. So by
 * default each test file runs its properties from a fixed seed it names, and CI is red only when the code
 * or the generators change. To look for new counterexamples, a developer runs with FC_RANDOM=1 (a fresh
 * seed, printed), and replays one with FC_SEED=<n>. Whatever a random seed finds becomes a fixed example
 * in the test file, so it is checked on every run after.
 */
import { randomInt } from 'node:crypto';

/** fast-check prints its seeds as signed 32-bit integers. */
const SEED_MIN = -(2 ** 31);
const SEED_MAX = 2 ** 31 - 1;

/** The seed to run from: FC_SEED if given, a fresh one under FC_RANDOM=1, else the file's fixed seed. */
export function chooseSeed(fixed: number, env: NodeJS.ProcessEnv = process.env): { seed: number; source: string } {
  const given = env['FC_SEED']?.trim();
  if (given) {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < SEED_MIN || seed > SEED_MAX) {
      throw new Error(`FC_SEED must be an integer from ${SEED_MIN} to ${SEED_MAX}, as fast-check prints it, not ${JSON.stringify(given)}`);
    }
    return { seed, source: 'FC_SEED' };
  }
  const random = env['FC_RANDOM']?.trim();
  if (random && random !== '0') return { seed: randomInt(SEED_MIN, SEED_MAX + 1), source: 'FC_RANDOM' };
  return { seed: fixed, source: 'fixed' };
}

/**
 * The seed for a file's properties, printed so that a failure can be replayed; pass it to fc.assert as
 * `seed`. `file` names the test file in the line printed.
 */
export function propertySeed(file: string, fixed: number): number {
  const { seed, source } = chooseSeed(fixed);
  const how = source === 'fixed' ? 'fixed; FC_RANDOM=1 draws a random one' : `from ${source}; FC_SEED=${seed} replays this run`;
  console.log(`${file}: fast-check seed ${seed} (${how})`);
  return seed;
}
