import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { BuiltinProviderId as ProviderId } from '../../shared/domain.js';
import { createInDashboard, openDashboard, revokeInDashboard, toApiKeys } from './dashboard-helpers.js';
import { expect, expectNoAxeViolations, test, type Keydeck } from './fixtures.js';
import { providersWhere } from '../support/providers.js';
import { providerInfos } from '../../electron/core/providers/index.js';

test.use({ sandboxDefaults: true });

const NAMES = Object.fromEntries(providerInfos().map((p) => [p.id, p.displayName])) as Record<ProviderId, string>;
const CREATE_BUTTON: Record<ProviderId, string> = {
  legba: 'Generate New API Key',
  laghav: 'Create key',
  leadey: 'Create API key',
  logtalk: 'Create API Key',
  skapi: 'Create New API Key',
};

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
  await page
    .getByRole('row', { name: label })
    .getByRole('button', { name: /^Rotate/ })
    .click();
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
    writeFileSync(envPath, `# app config\nLAGHAV_API_KEY=${seeded.admin.live}\nPORT=3000\n`, { mode: 0o640 });

    const wizard = await startRotation(page, /Keydeck admin \(live\)/);
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Verify new key' })).toContainText('done');
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
    await expectNoAxeViolations(page, 'rotation wizard: deploy');
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
    // The person's file keeps its own mode (Keydeck creates new files 0600).
    expect(statSync(envPath).mode & 0o777).toBe(0o640);
    // The file as it was is kept beside it, once per rotation, until the rotation ends.
    const record = keydeck.meta().rotations[0]?.deployRecords[0];
    const backup = record?.kind === 'envFile' ? (record.backup ?? '') : '';
    expect(readFileSync(backup, 'utf8')).toBe(`# app config\nLAGHAV_API_KEY=${seeded.admin.live}\nPORT=3000\n`);
    expect(keydeck.sandbox.laghav.keys.lookup(newKey)?.name).toMatch(
      /^Keydeck admin \(live\) \(rotated \d{4}-\d{2}-\d{2}\)$/,
    );

    await wizard.getByRole('button', { name: 'It is deployed everywhere: continue' }).click();
    await expect(wizard.getByText('Laghav does not report last use')).toBeVisible();
    await expectNoAxeViolations(page, 'rotation wizard: confirm in use');
    await expect(wizard.getByRole('button', { name: 'Revoke the old key' })).toBeDisabled();
    await wizard.getByLabel('Everything that used the old key now uses the new one').check();
    await wizard.getByRole('button', { name: 'Revoke the old key' }).click();
    await expect(wizard.getByRole('status').filter({ hasText: 'Done.' })).toContainText(
      'is revoked, refused by Laghav, and deleted from your keychain',
    );
    await expectNoAxeViolations(page, 'rotation wizard: done');
    expect(keydeck.sandbox.laghav.keys.lookup(seeded.admin.live)?.status).toBe('revoked');
    // The backup held the old key: once it is dead, Keydeck removes it rather than leave a copy on disk.
    expect(readdirSync(envDir)).toEqual(['.env']);
    await wizard.getByRole('button', { name: 'Close', exact: true }).click();
    // Keydeck goes on working with the new key.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('row', { name: /rotated/ }).getByText('Keydeck’s admin key')).toBeVisible();
    expect(keydeck.meta().credentials.map((c) => c.last4)).toEqual([newKey.slice(-4)]);
  });

  for (const provider of providersWhere((p) => p.capabilities.create === 'dashboard')) {
    test(`${NAMES[provider]} (dashboard create${provider === 'skapi' ? ', API revoke' : ' and revoke'})`, async ({
      page,
      keydeck,
    }) => {
      const seeded = await connect(page, keydeck, provider, `${NAMES[provider]} Org`);
      const label = new RegExp(`${NAMES[provider]} live admin key|Keydeck admin \\(live\\)`);
      const wizard = await startRotation(page, label);
      await expect(wizard.getByRole('listitem').filter({ hasText: 'Create new key' })).toContainText('needs you');
      const waiting = (await wizard.locator('.waiting-for').textContent()) ?? '';
      const name = /named “([^”]+)”/.exec(waiting)?.[1] ?? '';
      expect(name).toMatch(/\(rotated \d{4}-\d{2}-\d{2}\)$/);
      // The provider's steps as a list, with the name to give in code.
      await expect(wizard.locator('.dashboard-steps ol.steps li').first()).toBeVisible();
      await expect(wizard.locator('.dashboard-steps code')).toHaveText(name);
      await expectNoAxeViolations(page, `rotation wizard: ${provider} create`);

      const dashboard = await openDashboard(page, NAMES[provider]);
      await toApiKeys(dashboard, `${NAMES[provider]} Org`);
      const secret = await createInDashboard(
        dashboard,
        CREATE_BUTTON[provider],
        name,
        provider === 'legba' || provider === 'leadey' ? undefined : 'live',
      );
      await wizard.getByLabel('The new key').fill(secret);
      await wizard.getByRole('button', { name: 'Store and verify' }).click();
      await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
      // The browser preview offers no clipboard target (the server cannot reach the person's clipboard).
      await expect(wizard.getByTestId('no-clipboard-target')).toBeVisible();
      await wizard.getByLabel('I deploy it myself').check();
      await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
      await expect(wizard.getByLabel('Deploy results')).toContainText('by hand');
      expect(keydeck.clipboard.text).not.toBe(secret);
      await wizard.getByRole('button', { name: 'It is deployed everywhere: continue' }).click();

      if (provider === 'skapi') {
        await expect(wizard.getByText('New key first used')).toBeVisible();
        // The heading names the quiet window chosen, and follows a new choice.
        const quietHeading = wizard.getByRole('heading', { name: /^Revoke once the old key has been quiet for / });
        await expect(quietHeading).toBeVisible();
        await wizard.getByLabel('Quiet window (minutes)').fill('90');
        await wizard.getByLabel('Quiet window (minutes)').blur();
        await expect(quietHeading).toHaveText('Revoke once the old key has been quiet for 1 h 30 min');
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
        await revokeInDashboard(
          dashboard,
          `${keydeck.sandbox[provider].keys.lookup(seeded.admin.live)?.prefix ?? ''}••••${seeded.admin.live.slice(-4)}`,
        );
        await wizard.getByRole('button', { name: 'I revoked it: check' }).click();
      }
      await expect(wizard.getByRole('status').filter({ hasText: 'Done.' })).toBeVisible();
      expect(keydeck.sandbox[provider].keys.lookup(seeded.admin.live)?.status).toBe('revoked');
      expect(keydeck.sandbox[provider].keys.lookup(secret)?.status).toBe('active');
      expect(keydeck.meta().credentials.map((c) => [c.role, c.last4])).toEqual([['admin', secret.slice(-4)]]);
    });
  }
});

test('a rotation left unfinished is offered for Resume on the next start, and cancel rolls back', async ({
  page,
  keydeck,
}) => {
  const seeded = await connect(page, keydeck, 'laghav', 'Acme');
  let wizard = await startRotation(page, /Keydeck admin \(live\)/);
  await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
  await wizard.getByRole('button', { name: 'Close (resume later)' }).click();

  await page.reload();
  const banner = page.getByRole('region', { name: 'Unfinished rotations' });
  await expect(banner).toContainText('waiting for you while deploying the new key');
  await expectNoAxeViolations(page, 'unfinished rotation banner');
  // The rotation's new key is in the list as such, with nothing to rotate or revoke of its own.
  const pendingRow = page.getByRole('row', { name: /rotated/ });
  await expect(pendingRow.getByText('new key of a rotation in progress')).toBeVisible();
  await expect(pendingRow.getByRole('button', { name: /^(Rotate|Revoke)/ })).toHaveCount(0);
  await banner.getByRole('button', { name: 'Resume' }).click();
  wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Acme/ });
  await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
  const pendingKey = keydeck.meta().credentials.find((c) => c.role === 'pending');
  expect(pendingKey).toBeDefined();

  await wizard.getByRole('button', { name: 'Cancel rotation' }).click();
  // Nothing is cancelled until the person confirms, having read what Cancel will do.
  const confirm = page.getByRole('dialog', { name: /^Cancel the rotation of / });
  await expect(confirm.getByRole('list', { name: 'What cancelling will do' })).toContainText('Keep the old key');
  expect(keydeck.meta().rotations[0]?.status).toBe('needs-user');
  await confirm.getByRole('button', { name: 'Keep rotating' }).click();
  await expect(confirm).toBeHidden();
  expect(keydeck.meta().rotations[0]?.step).toBe('deploy');
  await wizard.getByRole('button', { name: 'Cancel rotation' }).click();
  await confirm.getByRole('button', { name: 'Cancel the rotation' }).click();
  await expect(wizard.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
  expect(keydeck.sandbox.laghav.keys.lookup(seeded.admin.live)?.status).toBe('active');
  expect(keydeck.meta().credentials.map((c) => c.role)).toEqual(['admin']);
  const created = keydeck.sandbox.laghav
    .keysOf([...keydeck.sandbox.laghav.orgs.keys()][0] ?? '')
    .filter((k) => k.name.includes('rotated'));
  expect(created.map((k) => k.status)).toEqual(['revoked']);
  await wizard.getByRole('button', { name: 'Close', exact: true }).click();
  await expect(banner).toBeHidden();
});

test('cancelling from the banner refreshes the key list: the revoked new key is no longer shown as held', async ({
  page,
  keydeck,
}) => {
  await connect(page, keydeck, 'laghav', 'Acme');
  const wizard = await startRotation(page, /Keydeck admin \(live\)/);
  await wizard.getByRole('button', { name: 'Close (resume later)' }).click();
  await page.reload();
  const row = page.getByRole('row', { name: /\(rotated / });
  await expect(row).toContainText('Held');
  const banner = page.getByRole('region', { name: 'Unfinished rotations' });
  await banner.getByRole('button', { name: 'Cancel' }).click();
  await page
    .getByRole('dialog', { name: /^Cancel the rotation of / })
    .getByRole('button', { name: 'Cancel the rotation' })
    .click();
  await expect(row).not.toContainText('Held');
  await expect(row).toContainText(/revoked/i);
});

test('cancel after a deploy to a .env: asked first with the plan, the old key goes back, the stepper shows what ran', async ({
  page,
  keydeck,
}) => {
  const seeded = await connect(page, keydeck, 'laghav', 'Acme');
  const envDir = mkdtempSync(join(tmpdir(), 'keydeck-e2e-cancel-'));
  const envPath = join(envDir, '.env');
  const original = `# app config\nexport LAGHAV_API_KEY=${seeded.admin.live}\nPORT=3000\n`;
  writeFileSync(envPath, original);

  const wizard = await startRotation(page, /Keydeck admin \(live\)/);
  await wizard.getByLabel('A .env file').check();
  await wizard.getByLabel('File (full path)').fill(envPath);
  await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(wizard.getByLabel('Deploy results')).toContainText(`LAGHAV_API_KEY in ${envPath}`);
  const newKey = /LAGHAV_API_KEY=(lgh_live_\w+)/.exec(readFileSync(envPath, 'utf8'))?.[1] ?? '';
  expect(newKey).toMatch(/^lgh_live_/);
  expect(newKey).not.toBe(seeded.admin.live);

  // Cancel asks first, listing what it will do now.
  await wizard.getByRole('button', { name: 'Cancel rotation' }).click();
  const confirm = page.getByRole('dialog', { name: /^Cancel the rotation of .+\?$/ });
  const plan = confirm.getByRole('list', { name: 'What cancelling will do' });
  await expect(confirm.getByText('Cancelling will:')).toBeVisible();
  await expect(plan).toContainText(`Put the old key back into LAGHAV_API_KEY in ${envPath}`);
  await expect(plan).toContainText(`Revoke lgh_live_••••${newKey.slice(-4)} at Laghav`);
  await expect(plan).toContainText(`Keep the old key lgh_live_••••${seeded.admin.live.slice(-4)} as the current key`);
  await expect(confirm.getByRole('button', { name: 'Keep rotating' })).toBeVisible();
  await expectNoAxeViolations(page, 'cancel rotation confirmation');
  expect(readFileSync(envPath, 'utf8')).toContain(newKey);

  await confirm.getByRole('button', { name: 'Cancel the rotation' }).click();
  await expect(wizard.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
  await expect(confirm).toBeHidden();
  // The .env holds the old key again, byte for byte, and the provider accepts it; the new key is dead.
  expect(readFileSync(envPath, 'utf8')).toBe(original);
  expect(keydeck.sandbox.laghav.accepts(seeded.admin.live)).toBe(true);
  expect(keydeck.sandbox.laghav.accepts(newKey)).toBe(false);
  expect(keydeck.sandbox.laghav.identify(newKey)?.status).toBe('revoked');
  // The wizard says what was put back.
  await expect(wizard.getByRole('list', { name: 'Restored' })).toContainText(
    `Put the old key back into LAGHAV_API_KEY in ${envPath}.`,
  );
  await expect(wizard.getByRole('list', { name: 'Not restored' })).toHaveCount(0);
  // No backup holding a key is left beside the file.
  for (const name of readdirSync(envDir).filter((n) => n !== '.env')) {
    const text = readFileSync(join(envDir, name), 'utf8');
    expect(text.includes(seeded.admin.live) || text.includes(newKey), `${name} holds a key`).toBe(false);
  }
  expect(readdirSync(envDir).filter((n) => n.endsWith('.bak'))).toEqual([]);

  // The stepper shows what ran, then the cancel; never "skipped".
  const step = (label: string) =>
    wizard.getByRole('list', { name: 'Rotation steps' }).getByRole('listitem').filter({ hasText: label });
  for (const label of ['Plan', 'Create new key', 'Store in keychain', 'Verify new key', 'Deploy'])
    await expect(step(label)).toContainText('done');
  for (const label of ['Confirm in use', 'Revoke old key', 'Confirm old key is dead'])
    await expect(step(label)).toContainText('not run');
  await expect(step('Cancel and roll back')).toContainText('done');
  await expect(wizard.getByRole('list', { name: 'Rotation steps' })).not.toContainText('skipped');
  await expectNoAxeViolations(page, 'rotation wizard: cancelled');

  expect(keydeck.meta().credentials.map((c) => c.role)).toEqual(['admin']);
  expect(keydeck.meta().rotations[0]?.restoreResults?.map((x) => x.ok)).toEqual([true]);
  await wizard.getByRole('button', { name: 'Close', exact: true }).click();
  rmSync(envDir, { recursive: true, force: true });
});
