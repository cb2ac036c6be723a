import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium through the preview host (the real core, the real
 * keychain, the real HTTP sandbox). Playwright's own browser download is not used.
 */
export default defineConfig({
  testDir: 'test/e2e',
  fullyParallel: false,
  // One worker: keychain tests share one D-Bus session and race otherwise.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'reports/playwright.json' }]],
  use: {
    headless: true,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'off',
  },
});
