import { defineConfig } from 'vitest/config';

// Three suites with different needs: unit tests are fast and hermetic,
// integration tests share the real servers started once per run, and
// end-to-end tests drive the built renderer in Chromium through browser mode.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/servers/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/servers/globalSetup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // A page waits on a real browser and a real server: on a loaded
          // 2-core machine a second is not always enough for either.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
