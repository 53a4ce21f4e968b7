import { defineConfig } from 'vitest/config';
import fast from './vitest.config.js';

// npm run test:slow: the tests tagged slow (see vitest.config.ts), one file at a time, each file in a
// process of its own, as the whole suite ran on a 2-core machine before it was split. Chromium, killed
// runs and memory peaks get the machine to themselves. A file given on the command line runs its slow
// tests only: npm run test:slow -- test/render.test.ts
export default defineConfig({
  ...fast,
  test: {
    ...fast.test,
    tagsFilter: ['slow'],
    isolate: true,
    fileParallelism: false,
  },
});
