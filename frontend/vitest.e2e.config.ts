import { defineConfig } from 'vitest/config';

// End-to-end tests: Debian's chromium (playwright-core) against the real backend, which
// e2e/global-setup.ts starts on a free port with a fresh demo database (see e2e/run.sh).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['./e2e/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
