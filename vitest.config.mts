import { defineConfig } from 'vitest/config';

/**
 * Three projects: `unit` (no network, no emulators, no corpora: the fast loop), `integration` (emulators on
 * 127.0.0.1 and `serverless package`) and `corpus` (the optional evaluation data; skipped with a notice
 * without it). `npm test` runs all three; `npm run test:unit` only the first.
 */
export default defineConfig({
  test: {
    // s3rver's paginated listing needs the legacy OpenSSL provider on Node 20.
    execArgv: ['--openssl-legacy-provider'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Tests assert on behaviour, not log lines: keep the structured logs and EMF metrics out of the report.
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      { extends: true, test: { name: 'integration', include: ['test/integration/**/*.test.ts'] } },
      { extends: true, test: { name: 'corpus', include: ['test/corpus/**/*.test.ts'] } },
    ],
  },
});
