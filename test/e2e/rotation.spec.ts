import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { ProviderId } from '../../shared/domain.js';
import { createInDashboard, openDashboard, revokeInDashboard, toApiKeys } from './dashboard-helpers.js';
import { expect, expectNoAxeViolations, test, type Keydeck } from './fixtures.js';

test.use({ sandboxDefaults: true });

const NAMES: Record<ProviderId, string> = { legba: 'Legba', laghav: 'Laghav', leadey: 'Leadey', logtalk: 'LogTalk', skapi: 'sk-style API' };
const CREATE_BUTTON: Record<ProviderId, string> = { legba: 'Generate New API Key', laghav: 'Create key', leadey: 'Create API key', logtalk: 'Create API Key', skapi: 'Create New API Key' };

async function connect(page: Page, keydeck: Keydeck, provider: ProviderId, orgName: string) {
  const seeded = keydeck.sandbox[provider].seedOrg(orgName);
  await page.goto(keydeck.host.url);
  await page.getByLabel('Admin API key').fill(seeded.admin.live);
  if (provider === 'legba') {
    await page.getByRole('combobox', { name: 'Provider' }).selectOption('legba');
    await page.getByLabel('Organization UUID').fill(seeded.org.id);
  }
  await page.getByLabel('Organization name (optional)').fill(orgName);
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('heading', { name: orgName, level: 1 })).toBeVisible();
  return seeded;
}

async function startRotation(page: Page, label: RegExp) {
  await page.getByRole('row', { name: label }).getByRole('button', { name: /^Rotate/ }).click();
  const start = page.getByRole('dialog', { name: /^Rotate “/ });
  await expect(start.getByRole('button', { name: 'Start rotation' })).toBeDisabled();
  await start.getByLabel(/I understand this rotates a LIVE key/).check();
  await start.getByRole('button', { name: 'Start rotation' }).click();
  return page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in / });
}

test.describe('a full rotation of the admin key, through the wizard', () => {
  test('Laghav (API create and revoke), deployed to a .env file', async ({ page, keydeck }) => {
    const seeded = await connect(page, keydeck, 'laghav', 'Acme');
    const envDir = mkdtempSync(join(tmpdir(), 'keydeck-e2e-env-'));
    const envPath = join(envDir, '.env');
    writeFileSync(envPath, `# app config\nLAGHAV_API_KEY=${seeded.admin.live}\nPORT=3000\n`);

    const wizard = await startRotation(page, /Keydeck admin \(live\)/);
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Verify new key' })).toContainText('done');
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
    await expectNoAxeViolations(page, 'rotation wizard: deploy');
    await wizard.getByLabel('The clipboard').uncheck();
    await wizard.getByLabel('A .env file').check();
    // The browser preview cannot show the system file dialog (the app does): it says so, and takes a typed path.
    await wizard.getByRole('button', { name: 'Choose…' }).click();
    await expect(wizard.getByText('This window cannot open a file dialog: type the path.')).toBeVisible();
    await wizard.getByLabel('File (full path)').fill(envPath);
    await expect(wizard.getByLabel('Variable')).toHaveValue('LAGHAV_API_KEY');
    await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(wizard.getByLabel('Deploy results')).toContainText(`LAGHAV_API_KEY in ${envPath}`);
    const written = readFileSync(envPath, 'utf8');
    const newKey = /LAGHAV_API_KEY=(lgh_live_\w+)/.exec(written)?.[1] ?? '';
    expect(written).toBe(`# app config\nLAGHAV_API_KEY=${newKey}\nPORT=3000\n`);
    expect(statSync(envPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(`${envPath}.keydeck.bak`, 'utf8')).toContain(seeded.admin.live);
    expect(keydeck.sandbox.laghav.keys.lookup(newKey)?.name).toMatch(/^Keydeck admin \(live\) \(rotated \d{4}-\d{2}-\d{2}\)$/);

    await wizard.getByRole('button', { name: 'It is deployed everywhere: continue' }).click();
    await expect(wizard.getByText('Laghav does not report last use')).toBeVisible();
    await expectNoAxeViolations(page, 'rotation wizard: confirm in use');
    await expect(wizard.getByRole('button', { name: 'Revoke the old key' })).toBeDisabled();
    await wizard.getByLabel('Everything that used the old key now uses the new one').check();
    await wizard.getByRole('button', { name: 'Revoke the old key' }).click();
    await expect(wizard.getByRole('status').filter({ hasText: 'Done.' })).toContainText('KEY_REVOKED');
    await expectNoAxeViolations(page, 'rotation wizard: done');
    expect(keydeck.sandbox.laghav.keys.lookup(seeded.admin.live)?.status).toBe('revoked');
    // The backup held the old key: once it is dead, Keydeck removes it rather than leave a copy on disk.
    expect(existsSync(`${envPath}.keydeck.bak`)).toBe(false);
    await wizard.getByRole('button', { name: 'Close', exact: true }).click();
    // Keydeck goes on working with the new key.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('row', { name: /rotated/ }).getByText('Keydeck’s admin key')).toBeVisible();
    expect(keydeck.meta().credentials.map((c) => c.last4)).toEqual([newKey.slice(-4)]);
  });

  for (const provider of ['legba', 'leadey', 'logtalk', 'skapi'] as const) {
    test(`${NAMES[provider]} (dashboard create${provider === 'skapi' ? ', API revoke' : ' and revoke'})`, async ({ page, keydeck }) => {
      const seeded = await connect(page, keydeck, provider, `${NAMES[provider]} Org`);
      const label = new RegExp(`${NAMES[provider]} live admin key|Keydeck admin \\(live\\)`);
      const wizard = await startRotation(page, label);
      await expect(wizard.getByRole('listitem').filter({ hasText: 'Create new key' })).toContainText('needs you');
      const waiting = (await wizard.locator('.waiting-for').textContent()) ?? '';
      const name = /named “([^”]+)”/.exec(waiting)?.[1] ?? '';
      expect(name).toMatch(/\(rotated \d{4}-\d{2}-\d{2}\)$/);
      await expectNoAxeViolations(page, `rotation wizard: ${provider} create`);

      const dashboard = await openDashboard(page, NAMES[provider]);
      await toApiKeys(dashboard, `${NAMES[provider]} Org`);
      const secret = await createInDashboard(dashboard, CREATE_BUTTON[provider], name, provider === 'legba' || provider === 'leadey' ? undefined : 'live');
      await wizard.getByLabel('The new key').fill(secret);
      await wizard.getByRole('button', { name: 'Store and verify' }).click();
      await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
      await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
      await expect(wizard.getByLabel('Deploy results')).toContainText('the clipboard');
      expect(keydeck.clipboard.text).toBe(secret);
      await wizard.getByRole('button', { name: 'It is deployed everywhere: continue' }).click();

      if (provider === 'skapi') {
        await expect(wizard.getByText('New key first used')).toBeVisible();
        await expect(wizard.getByText('The new key has not been used yet.')).toBeVisible();
        await expect(wizard.getByRole('button', { name: 'Revoke the old key' })).toBeDisabled();
        await wizard.getByLabel(/Revoke anyway/).check();
      } else {
        await wizard.getByLabel('Everything that used the old key now uses the new one').check();
      }
      await wizard.getByRole('button', { name: 'Revoke the old key' }).click();

      if (provider !== 'skapi') {
        await expect(wizard.getByRole('listitem').filter({ hasText: 'Revoke old key' })).toContainText('needs you');
        // Checking before revoking: the old key still works, and Keydeck says so.
        await wizard.getByRole('button', { name: 'I revoked it: check' }).click();
        await expect(wizard.locator('.waiting-for')).toContainText('still accepts the old key');
        await revokeInDashboard(dashboard, `${keydeck.sandbox[provider].keys.lookup(seeded.admin.live)?.prefix ?? ''}••••${seeded.admin.live.slice(-4)}`);
        await wizard.getByRole('button', { name: 'I revoked it: check' }).click();
      }
      await expect(wizard.getByRole('status').filter({ hasText: 'Done.' })).toBeVisible();
      expect(keydeck.sandbox[provider].keys.lookup(seeded.admin.live)?.status).toBe('revoked');
      expect(keydeck.sandbox[provider].keys.lookup(secret)?.status).toBe('active');
      expect(keydeck.meta().credentials.map((c) => [c.role, c.last4])).toEqual([['admin', secret.slice(-4)]]);
    });
  }
});

test('a rotation left unfinished is offered for Resume on the next start, and cancel rolls back', async ({ page, keydeck }) => {
  const seeded = await connect(page, keydeck, 'laghav', 'Acme');
  let wizard = await startRotation(page, /Keydeck admin \(live\)/);
  await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
  await wizard.getByRole('button', { name: 'Close (resume later)' }).click();

  await page.reload();
  const banner = page.getByRole('region', { name: 'Unfinished rotations' });
  await expect(banner).toContainText('stopped at “deploy”');
  await expectNoAxeViolations(page, 'unfinished rotation banner');
  await banner.getByRole('button', { name: 'Resume' }).click();
  wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Acme/ });
  await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
  const pendingKey = keydeck.meta().credentials.find((c) => c.role === 'pending');
  expect(pendingKey).toBeDefined();

  await wizard.getByRole('button', { name: 'Cancel rotation' }).click();
  await expect(wizard.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
  expect(keydeck.sandbox.laghav.keys.lookup(seeded.admin.live)?.status).toBe('active');
  expect(keydeck.meta().credentials.map((c) => c.role)).toEqual(['admin']);
  const created = keydeck.sandbox.laghav.keysOf([...keydeck.sandbox.laghav.orgs.keys()][0] ?? '').filter((k) => k.name.includes('rotated'));
  expect(created.map((k) => k.status)).toEqual(['revoked']);
  await wizard.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(banner).toBeHidden();
});
