import { readFileSync } from 'node:fs';
import { startManifestSandbox, type ManifestProviderServer } from '../sandbox/server.js';
import { expect, expectNoAxeViolations, readAllFiles, test } from './fixtures.js';

/**
 * A provider Keydeck has never seen, as a new user meets it: its manifest (a test fixture, the
 * only place it is defined) added in Settings → Providers, checked, tested with a key, then the
 * organization connected, its keys listed, a key created, the admin key rotated and the old key
 * proven dead, against a sandbox serving that same manifest.
 */
const FIXTURE = JSON.parse(readFileSync(new URL('../fixtures/tollgate.manifest.json', import.meta.url), 'utf8')) as {
  baseUrl: { default: string };
};

let tollgate: ManifestProviderServer;
test.beforeEach(async () => {
  tollgate = await startManifestSandbox(FIXTURE);
});
test.afterEach(async () => {
  await tollgate.close();
});

test('a provider added from its manifest: check, test, add, connect, list, create, rotate, old key dead', async ({
  page,
  keydeck,
}) => {
  // Every key Tollgate issues is a canary for the hygiene check after the test (window, answers, files).
  keydeck.moreCanaries.push(() => tollgate.sandbox.issued);
  const seeded = tollgate.sandbox.seedOrg('Toll Co', [{ name: 'Billing worker', environment: 'live' }]);
  const text = JSON.stringify({ ...FIXTURE, baseUrl: { default: tollgate.apiBaseUrl } }, null, 2);
  await page.goto(keydeck.host.url);

  // First run: the welcome screen offers adding a provider before any organization exists.
  await page.getByRole('button', { name: 'Add a provider from its manifest…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Providers' });
  await expect(dialog.getByRole('table', { name: 'Providers' })).toContainText('Laghav');
  await dialog.getByRole('button', { name: 'Add a provider…' }).click();

  // A hostile manifest: header injection and a dashboard host it does not own, each named at its field.
  const hostile = JSON.parse(text) as { auth: { header: string }; dashboard: { hosts: string[] } };
  hostile.auth.header = 'X-Tollgate-Key\r\nHost: evil.example';
  hostile.dashboard.hosts = ['*.evil.example'];
  const box = dialog.getByLabel('Or paste the manifest');
  await box.fill(JSON.stringify(hostile));
  const problems = dialog.getByRole('list', { name: 'Problems in the manifest' });
  await expect(problems).toContainText('auth.header');
  await expect(problems).toContainText('dashboard.hosts[0]');
  await expect(dialog.getByRole('button', { name: 'Add provider' })).toBeDisabled();

  await box.fill(text);
  await expect(dialog.getByText('Valid: Tollgate')).toContainText('List, create and revoke by API');

  // Test with a wrong key, then the right one: what Keydeck called, what it got, which rule decided.
  const keyField = dialog.getByLabel('API key', { exact: true });
  await keyField.fill(`tollgate_live_${'Q'.repeat(40)}`);
  await dialog.getByRole('button', { name: 'Test with this key' }).click();
  const report = dialog.getByLabel('Test result');
  await expect(report).toContainText('Failed.');
  await expect(report).toContainText('errors.rules[1] (HTTP 401, code "token_unknown") means invalid');
  await keyField.fill(seeded.admin.live);
  await dialog.getByRole('button', { name: 'Test with this key' }).click();
  await expect(report).toContainText('Works.');
  await expect(report).toContainText(`GET ${tollgate.apiBaseUrl}/whoami`);
  await expect(report).toContainText(`X-Tollgate-Key: ••••${seeded.admin.live.slice(-4)}`);
  await expect(report).toContainText('2 keys read, the test key among them');
  await expectNoAxeViolations(page, 'providers: manifest tested');

  await dialog.getByRole('button', { name: 'Add provider' }).click();
  await expect(dialog.getByRole('row', { name: /Tollgate/ })).toContainText('added');
  await dialog.getByRole('button', { name: 'Done' }).click();

  // Connect: the key is recognised as a Tollgate key from the manifest's prefix.
  await page.getByLabel('Admin API key').fill(seeded.admin.live);
  await expect(page.getByTestId('key-hint')).toContainText('Tollgate · LIVE');
  await page.getByLabel('Organization name (optional)').fill('Toll Co');
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('heading', { name: 'Toll Co', level: 1 })).toBeVisible();
  const adminRow = page.getByRole('row', { name: /Keydeck admin \(live\)/ });
  await expect(adminRow.getByText('Keydeck’s admin key')).toBeVisible();
  await expect(adminRow.getByText(`tollgate_live_••••${seeded.admin.live.slice(-4)}`)).toBeVisible();
  await expect(page.getByRole('row', { name: /Billing worker/ })).toBeVisible();

  // Create a key by API: shown once, held by the provider.
  await page.getByRole('button', { name: 'New key' }).click();
  await page.getByLabel('Name').fill('CI deploy');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-secret')).toContainText('tollgate_live_');
  await page.getByRole('button', { name: 'I have saved it' }).click();
  await expect(page.getByRole('row', { name: /CI deploy/ })).toBeVisible();
  expect(tollgate.sandbox.truth().some((k) => k.name === 'CI deploy' && k.status === 'active')).toBe(true);

  // Rotate the admin key through the wizard: created and verified by API, deployed by hand, old key revoked and refused.
  await adminRow.getByRole('button', { name: /^Rotate/ }).click();
  const start = page.getByRole('dialog', { name: /^Rotate “/ });
  await start.getByLabel(/I understand this rotates a LIVE key/).check();
  await start.getByRole('button', { name: 'Start rotation' }).click();
  const wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Toll Co/ });
  await expect(wizard.getByRole('listitem').filter({ hasText: 'Verify new key' })).toContainText('done');
  await wizard.getByLabel('I deploy it myself').check();
  await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
  await wizard.getByRole('button', { name: 'It is deployed everywhere: continue' }).click();
  // Tollgate reports last use, so Keydeck watches for the old key to go quiet; the test revokes at once.
  await wizard.getByLabel(/Revoke anyway/).check();
  await wizard.getByRole('button', { name: 'Revoke the old key' }).click();
  await expect(wizard.getByRole('status').filter({ hasText: 'Done.' })).toContainText('refused by Tollgate');
  expect(tollgate.sandbox.accepts(seeded.admin.live)).toBe(false);
  const admin = keydeck.meta().credentials.find((c) => c.role === 'admin');
  const current = await keydeck.secrets.get(`tollgate:${admin?.orgId}:live:${admin?.id}`);
  expect(tollgate.sandbox.accepts(current ?? '')).toBe(true);
  await wizard.getByRole('button', { name: 'Close', exact: true }).click();

  // An "updated" manifest that would send Toll Co's keys elsewhere says so before anything is replaced.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Providers…' }).click();
  const again = page.getByRole('dialog', { name: 'Providers' });
  await expect(again.getByRole('row', { name: /Tollgate/ })).toContainText('In use');
  await again.getByRole('button', { name: 'Add a provider…' }).click();
  await expect(again.getByLabel('Manifest file (.json)')).toBeFocused();
  const moved = JSON.stringify({ ...JSON.parse(text), baseUrl: { default: 'https://api.tollgate-eu.example/v2' } });
  await again.getByLabel('Or paste the manifest').fill(moved);
  await expect(again.getByRole('note', { name: 'What replacing changes' })).toContainText(
    'Toll Co: keys are sent to https://api.tollgate-eu.example/v2',
  );
  await expect(again.getByRole('button', { name: 'Replace Tollgate' })).toBeEnabled();
  // Escape closes the dialog; the manifest being added is still there when it opens again (the test key is not).
  await page.keyboard.press('Escape');
  await expect(again).toBeHidden();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Providers…' }).click();
  await again.getByRole('button', { name: 'Add a provider…' }).click();
  await expect(again.getByLabel('Or paste the manifest')).toHaveValue(moved);
  await again.getByRole('button', { name: 'Cancel' }).click();
  await expect(again.getByRole('button', { name: 'Add a provider…' })).toBeFocused();
  await again.getByRole('button', { name: 'Done' }).click();
  expect(keydeck.meta().providers[0]?.manifest.baseUrl.default).toBe(tollgate.apiBaseUrl);

  // Nothing Tollgate issued is in Keydeck's profile folder.
  for (const { text: file } of readAllFiles(keydeck.profileDir))
    for (const secret of tollgate.sandbox.issued) expect(file).not.toContain(secret);
});
