import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // s3rver's paginated listing needs the legacy OpenSSL provider on Node 20.
    execArgv: ['--openssl-legacy-provider'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
