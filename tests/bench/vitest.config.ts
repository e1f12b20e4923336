import { defineConfig } from 'vitest/config';

// Benchmarks run through vitest only so they can be TypeScript like the
// tests; they are no part of npm test. Each prints ratios against a peer
// client measured in the same run and never fails on speed.
// Run one: npx vitest run --config tests/bench/vitest.config.ts tests/bench/NAME.bench.ts
export default defineConfig({
  test: {
    include: ['tests/bench/**/*.bench.ts'],
    testTimeout: 60 * 60 * 1000,
    disableConsoleIntercept: true,
    fileParallelism: false,
  },
});
