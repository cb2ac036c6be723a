import { maskFromParts } from '../../shared/keys.js';
import { createInDashboard, openDashboard, revokeInDashboard, toApiKeys } from './dashboard-helpers.js';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.describe('providers whose keys are created and revoked in their dashboards', () => {
  test('Legba: undetectable key, org UUID and host; create and revoke through the dashboard', async ({
    page,
    context,
    keydeck,
  }) => {
    const { org, admin } = keydeck.sandbox.legba.seedOrg('Acme');
    await page.goto(keydeck.host.url);
    await page.getByLabel('Admin API key').fill(admin.live);
    await expect(page.getByTestId('key-hint')).toContainText('if this is a Legba key, choose Legba');
    await page.getByRole('combobox', { name: 'Provider' }).selectOption('legba');
    await expect(page.getByTestId('key-hint')).toContainText('Legba · LIVE');
    await page.getByLabel('Organization UUID').fill(org.id);
    await page.getByLabel('API host (https)').fill(keydeck.sandbox.urls.legba);
    await page.getByLabel('Dashboard URL (optional, https)').fill(keydeck.sandbox.dashboards.legba);
    await page.getByLabel('Organization name (optional)').fill('Acme (Legba)');
    await expectNoAxeViolations(page, 'Legba connect form');
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name: 'Acme (Legba)', level: 1 })).toBeVisible();
    await expect(page.getByText(/Keys known to Keydeck: Legba lists keys only in its dashboard/)).toBeVisible();

    // Create: Keydeck guides, the person works the dashboard, pastes the key back.
    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New LIVE key for Acme (Legba)' });
    await expect(dialog).toContainText('Click Generate New API Key.');
    const dashboard = await openDashboard(page, 'Legba');
    await toApiKeys(dashboard, 'Acme');
    const secret = await createInDashboard(dashboard, 'Generate New API Key', 'Deploy bot');
    await expectNoAxeViolations(page, 'dashboard create dialog');
    await dialog.getByLabel('Name in Keydeck').fill('Deploy bot');
    await dialog.getByLabel('The new key').fill(secret);
    await dialog.getByRole('button', { name: 'Verify and keep' }).click();
    await expect(dialog.getByRole('status')).toContainText('Legba accepted');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /Deploy bot/ });
    await expect(row.getByText('active')).toBeVisible();

    // Revoke: the person revokes in the dashboard; Keydeck proves the key is dead before forgetting it.
    await row.getByRole('button', { name: 'Revoke in dashboard Deploy bot' }).click();
    const revoke = page.getByRole('dialog', { name: /Revoke “Deploy bot” in the Legba dashboard/ });
    await revoke.getByRole('button', { name: 'I revoked it: check' }).click();
    await expect(revoke.getByRole('status')).toContainText('Legba still accepts this key');
    await expectNoAxeViolations(page, 'dashboard revoke dialog');
    await revokeInDashboard(dashboard, maskFromParts('', secret.slice(-4)));
    await revoke.getByRole('button', { name: 'I revoked it: check' }).click();
    await expect(revoke).toBeHidden();
    await expect(page.getByRole('row', { name: /Deploy bot/ })).toBeHidden();
    // Keydeck forgot it: only the admin key is left, in the keychain and in the metadata.
    const doc = keydeck.meta();
    expect(doc.credentials.map((c) => c.role)).toEqual(['admin']);
    const added = keydeck.sandbox.legba.keys.lookup(secret);
    expect(added?.status).toBe('revoked');
    await context.close();
  });
});

test.describe('with the sandbox as every provider’s default host (as in the demo)', () => {
  test.use({ sandboxDefaults: true });

  test('Leadey: live only; dashboard create, check, dashboard revoke', async ({ page, keydeck }) => {
    const { admin } = keydeck.sandbox.leadey.seedOrg('Leadey Org');
    await page.goto(keydeck.host.url);
    await page.getByLabel('Admin API key').fill(admin.live);
    await expect(page.getByTestId('key-hint')).toContainText(
      `Leadey · LIVE (real data, billable) · leadey_sk_live_••••${admin.live.slice(-4)}`,
    );
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name: 'Leadey', level: 1 })).toBeVisible();
    // One environment: no switch leading nowhere, only its name.
    await expect(page.getByRole('radiogroup', { name: 'Environment' })).toHaveCount(0);
    await expect(page.getByTestId('env-single')).toHaveText('LIVE');

    await page.getByRole('button', { name: 'New key' }).click();
    const dashboard = await openDashboard(page, 'Leadey');
    await toApiKeys(dashboard, 'Leadey Org');
    const secret = await createInDashboard(dashboard, 'Create API key', 'Zapier');
    await expect(dashboard.getByRole('row', { name: /Zapier/ })).toContainText(
      `leadey_sk_live_••••${secret.slice(-4)}`,
    );
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name in Keydeck').fill('Zapier');
    await dialog.getByLabel('The new key').fill(secret);
    await dialog.getByRole('button', { name: 'Verify and keep' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('button', { name: 'Check Zapier with Leadey' }).click();
    await expect(page.getByText('Leadey accepts the key.')).toBeVisible();

    await revokeInDashboard(dashboard, `leadey_sk_live_••••${secret.slice(-4)}`);
    await page.getByRole('button', { name: 'Check Zapier with Leadey' }).click();
    await expect(page.getByText('Leadey refuses the key: it is unknown or revoked.')).toBeVisible();
    await expect(page.getByRole('row', { name: /Zapier/ }).getByText('revoked')).toBeVisible();
    await page.getByRole('button', { name: 'Revoke in dashboard Zapier' }).click();
    await page.getByRole('button', { name: 'I revoked it: check' }).click();
    await expect(page.getByRole('row', { name: /Zapier/ })).toBeHidden();
    // The dialog says what happened, in the list, before it is gone.
    await expect(page.getByRole('status').filter({ hasText: 'Revoked in Leadey’s dashboard' })).toContainText(
      `Leadey now refuses “Zapier” (leadey_sk_live_••••${secret.slice(-4)}), so Keydeck removed it from your keychain.`,
    );
  });

  test('LogTalk: live and test; a test key created in the dashboard; the starter tier is explained', async ({
    page,
    keydeck,
  }) => {
    const { admin } = keydeck.sandbox.logtalk.seedOrg('Talkers');
    const starter = keydeck.sandbox.logtalk.seedOrg('Tiny', [], { tier: 'starter' });
    await page.goto(keydeck.host.url);
    await page.getByLabel('Admin API key').fill(starter.admin.live);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('alert')).toContainText(
      'LogTalk API access needs the Growth tier or higher; this organization is on starter. Upgrade at https://logtalk.io/pricing.',
    );
    await expect(page.getByRole('alert')).toContainText('API_ACCESS_DENIED');

    await page.getByLabel('Admin API key').fill(admin.test);
    await page.getByLabel('Organization name (optional)').fill('Talkers');
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name: 'Talkers', level: 1 })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Test' })).toHaveAttribute('aria-checked', 'true');

    await page.getByRole('button', { name: 'New key' }).click();
    const dialog = page.getByRole('dialog', { name: 'New test key for Talkers' });
    await expect(dialog.getByRole('listitem')).toContainText([
      'Give your key a descriptive name.',
      'Select the organization the key should belong to.',
    ]);
    const dashboard = await openDashboard(page, 'LogTalk');
    await toApiKeys(dashboard, 'Talkers');
    await expect(dashboard.getByLabel('Organization')).toHaveValue(/org_/);
    const secret = await createInDashboard(dashboard, 'Create API Key', 'Production CI/CD', 'test');
    expect(secret).toMatch(/^lt_test_[a-z0-9]{32}$/);
    await dialog.getByLabel('Name in Keydeck').fill('Production CI/CD');
    await dialog.getByLabel('The new key').fill(`lt_test_${secret.slice(8).toUpperCase()}`);
    await expect(dialog.getByTestId('key-hint')).toContainText('32 lowercase letters and digits');
    await dialog.getByLabel('The new key').fill(secret);
    await dialog.getByRole('button', { name: 'Verify and keep' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('row', { name: /Production CI\/CD/ }).getByText('active')).toBeVisible();
    await expectNoAxeViolations(page, 'keys known to Keydeck');
  });

  test('sk-style: list with last used by API, create in the dashboard, revoke by API', async ({ page, keydeck }) => {
    const { admin } = keydeck.sandbox.skapi.seedOrg('Stripeish', [{ name: 'Production Key', environment: 'live' }]);
    await page.goto(keydeck.host.url);
    await page.getByLabel('Admin API key').fill(admin.live);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('row', { name: /Production Key/ }).getByRole('cell', { name: 'Never' })).toBeVisible();
    // The list gives no last 4 and, with no second key to watch its last use, Keydeck cannot tell
    // which listed key is its admin key: it shows its own as "not matched" and never guesses.
    const own = page.getByRole('row', { name: /sk-style API live admin key/ });
    await expect(own.getByText('Keydeck’s admin key')).toBeVisible();
    await expect(own.getByText('not matched', { exact: true })).toHaveAttribute(
      'title',
      /cannot tell which of the provider’s keys it is; revoke it in the dashboard/,
    );
    await expect(own.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);
    // Any listed key might be that one: no API revoke is offered, and the list says why and what helps.
    await expect(
      page.getByRole('note').filter({ hasText: 'cannot yet tell which of these keys is its own admin key' }),
    ).toBeVisible();
    await expect(
      page.getByRole('row', { name: /Production Key/ }).getByRole('button', { name: /^Revoke/ }),
    ).toHaveCount(0);
    await expectNoAxeViolations(page, 'sk-style list with a key not matched');

    await page.getByRole('button', { name: 'New key' }).click();
    const dashboard = await openDashboard(page, 'sk-style API');
    await toApiKeys(dashboard, 'Stripeish');
    const secret = await createInDashboard(dashboard, 'Create New API Key', 'Webhooks', 'live');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name in Keydeck').fill('Webhooks');
    await dialog.getByLabel('The new key').fill(secret);
    await dialog.getByRole('button', { name: 'Verify and keep' }).click();
    await dialog.getByRole('button', { name: 'Done' }).click();
    const row = page.getByRole('row', { name: /Webhooks/ });
    await expect(row.getByText('Held')).toBeVisible();
    // The second key watched the admin key's last use: Keydeck now knows which key is its own.
    await expect(
      page.getByRole('note').filter({ hasText: 'cannot yet tell which of these keys is its own admin key' }),
    ).toHaveCount(0);
    // The list gives no last 4, but Keydeck holds these keys' secrets: their last 4 is shown (never more).
    await expect(row.getByText(`sk_live_••••${secret.slice(-4)}`, { exact: true })).toBeVisible();
    // One name for the admin key: the provider's, now that Keydeck knows which key it is.
    const adminRow = page.getByRole('row', { name: /Keydeck admin \(live\)/ });
    await expect(adminRow.getByText(`sk_live_••••${admin.live.slice(-4)}`, { exact: true })).toBeVisible();
    await expect(page.getByRole('row', { name: /sk-style API live admin key/ })).toHaveCount(0);

    await row.getByRole('button', { name: 'Revoke Webhooks' }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke “Webhooks”?' });
    await revoke.getByLabel(/Type Webhooks to confirm/).fill('Webhooks');
    await revoke.getByRole('button', { name: 'Revoke live key' }).click();
    await expect(page.getByRole('row', { name: /Webhooks/ })).toBeHidden();
    expect(keydeck.sandbox.skapi.keys.lookup(secret)?.status).toBe('revoked');
  });
});
