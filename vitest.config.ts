import { defineConfig } from 'vitest/config';

// `npm test` (a bare `vitest run`) runs every test not tagged slow; `npm run test:slow` runs the slow ones
// (vitest.slow.config.ts). CI runs both (.ci/run). A slow test stays in its own file, beside its fast
// siblings and the servers and fixtures they share, marked with { tags: ['slow'] } on its it() or
// describe(). Each run counts the other's tests as skipped, so the two always add up to the whole suite.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak runs on its own: npm run test:soak (and in .ci/run).
    exclude: ['test/soak/**', 'node_modules/**'],
    tags: [
      {
        name: 'slow',
        // A second or more on its own, on a 2-core machine: they drive Chromium, kill or interrupt a running
        // audit, work at scale or wait out timeouts, retries and wall-clock limits. Also a test timed against
        // a bound that includes loading the CLI, which a busy machine can miss when it runs first in a worker.
        description: 'takes a second or more (Chromium, killed runs, 10,000 indicators, 100,000 links, large '
          + 'criteria files, 5,000-run properties, timeouts, retries), or is timed from a cold start. '
          + 'Run by npm run test:slow, not npm test.',
      },
    ],
    tagsFilter: ['!slow'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
