import { defineConfig } from 'vitest/config';

// One runner for the whole repo. Browser-driven suites are slow on a 2-core machine, so the
// timeouts are generous and the JSON report feeds .ci/run's closing line.
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: process.env.CERTKIT_JSON_REPORT
      ? ['default', ['json', { outputFile: process.env.CERTKIT_JSON_REPORT }]]
      : ['default'],
  },
});
