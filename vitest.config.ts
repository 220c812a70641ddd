import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The integration suites share one S3 server and a 2-core machine: files run one after another.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['integration_tests/**/*.test.ts'],
          globalSetup: ['integration_tests/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
