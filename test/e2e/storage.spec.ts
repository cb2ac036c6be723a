import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.describe('recovery mode', () => {
  test.use({ sandboxDefaults: true });

  test('a damaged data file opens recovery mode; rebuilding brings the organization back from the keychain', async ({
    page,
    keydeck,
  }) => {
    const admin = keydeck.seed('Acme');
    await page.goto(keydeck.host.url);
    await page.getByLabel('API key').fill(admin.live);
    await page.getByLabel('Organization name (optional)').fill('Acme');
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();

    // The file is cut off just after its first bytes, as a full disk or a crashed sync tool leaves it.
    const path = join(keydeck.profileDir, 'metadata.json');
    const damaged = readFileSync(path, 'utf8').slice(0, 40);
    writeFileSync(path, damaged);
    await page.reload();

    await expect(page.getByRole('heading', { name: 'Keydeck’s data file is damaged' })).toBeVisible();
    await expect(page.getByText('Nothing has been changed yet.', { exact: false })).toBeVisible();
    await expect(page.getByText(/Your keychain holds 1 key Keydeck filed/)).toBeVisible();
    await expectNoAxeViolations(page, 'recovery screen');
    expect(readFileSync(path, 'utf8')).toBe(damaged);

    await page.getByRole('button', { name: 'Rebuild Keydeck’s data' }).click();
    await expect(page.getByRole('heading', { name: 'Keydeck rebuilt its data' })).toBeVisible();
    await expect(page.getByText(/From your keychain: 1 organization and 1 key/)).toBeVisible();
    await expect(page.getByText(/1 accepted, 0 refused/)).toBeVisible();
    const kept = (await page.locator('[data-testid="recovery-report"] code').first().textContent()) ?? '';
    expect(readFileSync(kept, 'utf8')).toBe(damaged);
    await expectNoAxeViolations(page, 'recovery report');

    await page.getByRole('button', { name: 'Open Keydeck' }).click();
    await expect(page.getByRole('heading', { name: 'Laghav (recovered)', level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation').getByText('recovered')).toBeVisible();
    await expect(page.getByRole('row', { name: /Production web app/ })).toBeVisible();
  });
});

/** The preview host in its own process with no D-Bus session: the real keychain library finds no keychain. */
async function hostWithoutKeychain(profileDir: string): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...process.env };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.DISPLAY;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve('electron/preview/cli.ts'),
      '--json',
      '--profile',
      profileDir,
      '--service',
      `Keydeck E2E session ${process.pid}`,
    ],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((done, failed) => {
    createInterface({ input: child.stdout! }).once('line', done);
    child.once('exit', (code) => failed(new Error(`preview host exited (${code})`)));
  });
  return { url: (JSON.parse(line) as { url: string }).url, child };
}

test('with no keychain: the problem is explained, session-only mode keeps test keys in memory and refuses live keys, quitting forgets them', async ({
  page,
  keydeck,
}) => {
  const admin = keydeck.seed('Acme');
  const profileDir = mkdtempSync(join(tmpdir(), 'keydeck-e2e-session-'));
  const { url, child } = await hostWithoutKeychain(profileDir);
  try {
    await page.goto(url);
    const banner = page.getByTestId('vault-banner');
    await expect(banner.getByRole('heading', { name: 'No OS keychain on this machine' })).toBeVisible();
    await expect(banner).toContainText('never in a file');
    await expect(banner).toContainText('KEYCHAIN_UNAVAILABLE');
    await expectNoAxeViolations(page, 'no keychain');

    await banner.getByRole('button', { name: 'Use session-only mode for test keys' }).click();
    await expect(banner.getByRole('heading', { name: 'Session-only mode' })).toBeVisible();
    await expect(page.getByText('holds it in memory until you quit')).toBeVisible();

    // A live key is refused, with what to do, before the provider is asked.
    const before = keydeck.sandbox.laghav.calls.length;
    await page.getByLabel('API key').fill(admin.live);
    await page.getByText('Advanced: API URL').click();
    await page.getByLabel(/API base URL/).fill(keydeck.sandbox.urls.laghav);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'LIVE_KEY_NEEDS_KEYCHAIN' });
    await expect(refusal).toContainText('Session-only mode keeps test keys only');
    expect(keydeck.sandbox.laghav.calls.length).toBe(before);

    await page.getByLabel('API key').fill(admin.test);
    await page.getByLabel('Organization name (optional)').fill('Acme');
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
    await expect(page.getByRole('navigation').getByText('session')).toBeVisible();
    await expect(page.getByRole('row', { name: /CI pipeline/ })).toBeVisible();
    await expectNoAxeViolations(page, 'session-only mode');

    // Opened afresh (a new window: the default selection is LIVE), the test-only organization opens
    // on the environment it has, not on a LIVE one session-only mode cannot connect.
    await page.evaluate(`localStorage.setItem('keydeck.selection', '{"environment":"live","view":"org"}')`);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
    await expect(page.getByRole('row', { name: /CI pipeline/ })).toBeVisible();
    await expect(page.getByText('LIVE environment: real data, real money')).toHaveCount(0);
    await expect(page.getByText(/Connect a live key/i)).toHaveCount(0);
    // Choosing LIVE on purpose still shows it (with what it takes), and a reload keeps that choice.
    await page.getByRole('radiogroup', { name: 'Environment' }).getByRole('radio', { name: 'LIVE' }).click();
    await expect(page.getByText('LIVE environment: real data, real money')).toBeVisible();
    await page.reload();
    await expect(page.getByText('LIVE environment: real data, real money')).toBeVisible();
    await page.getByRole('radiogroup', { name: 'Environment' }).getByRole('radio', { name: 'Test' }).click();
    await expect(page.getByRole('row', { name: /CI pipeline/ })).toBeVisible();
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  // Quitting ended the session: the organization and its keys are gone, and no key reached the disk.
  const doc = JSON.parse(readFileSync(join(profileDir, 'metadata.json'), 'utf8')) as {
    organizations: unknown[];
    credentials: unknown[];
  };
  expect(doc.organizations).toEqual([]);
  expect(doc.credentials).toEqual([]);
  expect(readFileSync(join(profileDir, 'metadata.json'), 'utf8')).not.toContain(admin.test);
});
