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
    pool: 'forks',
    // A worker per core. Vitest's default is a core fewer, which on a 2-core machine is one file at a time;
    // the files spend most of their time waiting on local servers and child processes, not computing.
    maxWorkers: '100%',
    // Each worker runs file after file in one process, so src/ and its dependencies load once per worker,
    // not once per file: that loading was over half of the fast suite's CPU time. So a test puts back what
    // it changes (process.env, fake timers, spies), as they all do. The tests that watch their own process
    // (a memory peak, Chromium processes left behind, a killed child) are tagged slow, and the slow run
    // gives every file a process of its own; the soak, which counts sockets and fds, has its own config.
    // `npx vitest run --isolate` runs the fast suite isolated too.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
