import { defineConfig } from 'vitest/config';

// npm run test:soak: 2,000 URLs against local servers that reset, 503 and stall (test/soak).
// Kept out of `npm test`; runs on the sources (no build), one file at a time, in its own process,
// so the socket and file-descriptor counts it compares are its own.
export default defineConfig({
  test: {
    include: ['test/soak/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
