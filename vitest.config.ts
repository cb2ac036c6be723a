import { defineConfig } from 'vitest/config';
import { CHANNELS } from './shared/contract.js';

/** As electron.vite.config.ts gives the preload and renderer bundles: shared/api.ts `buildApi`'s channel names. */
const define = { __KEYDECK_CHANNELS__: JSON.stringify(CHANNELS) };

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: 'reports/vitest.json' }]],
    projects: [
      {
        define,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        define,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // The keychain tests share one D-Bus session: run their files one at a time.
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});
