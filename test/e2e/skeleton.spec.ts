import { expect, expectNoAxeViolations, readAllFiles, test } from './fixtures.js';

test('connect → list → create → revoke → reload, with the real keychain and sandbox', async ({ page, keydeck }) => {
  const admin = keydeck.seed('Acme');
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });

  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(keydeck.host.url).origin });
  await page.goto(keydeck.host.url);
  await expect(page.getByRole('heading', { name: 'Welcome to Keydeck' })).toBeVisible();
  // The token left the address bar as soon as the page read it.
  expect(page.url()).not.toContain('token=');
  await expectNoAxeViolations(page, 'first-run screen');

  // Paste with a trailing newline, as a copy from a terminal often has it.
  await page.getByLabel('API key').fill(`  ${admin.live}\n`);
  await expect(page.getByTestId('key-hint')).toContainText('Laghav · LIVE');
  await page.getByLabel('Organization name (optional)').fill('Acme');
  await page.getByText('Advanced: API URL').click();
  await page.getByLabel(/API base URL/).fill(keydeck.sandbox.urls.laghav);
  await page.getByRole('button', { name: 'Verify and connect' }).click();

  // The list comes from the provider, with the admin key recognised.
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
  await expect(page.getByText('LIVE environment: real data, real money')).toBeVisible();
  const adminRow = page.getByRole('row', { name: /Keydeck admin \(live\)/ });
  await expect(adminRow.getByText('Keydeck’s admin key')).toBeVisible();
  await expect(adminRow.getByText(`lgh_live_••••${admin.live.slice(-4)}`)).toBeVisible();
  await expect(page.getByRole('row', { name: /Production web app/ })).toBeVisible();
  await expectNoAxeViolations(page, 'key list (live)');

  // Create, keep in the keychain, see the secret once.
  await page.getByRole('button', { name: 'New key' }).click();
  await expect(page.getByRole('dialog', { name: 'New LIVE key for Acme' })).toBeVisible();
  await expectNoAxeViolations(page, 'create dialog');
  await page.getByLabel('Name').fill('Deploy bot');
  await page.getByLabel(/App ID/).fill('app_deploy');
  await page.getByLabel('Keep a copy in my OS keychain').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-secret')).toContainText('lgh_live_');
  await expect(page.getByTestId('new-secret')).toContainText('••••');
  await page.getByRole('button', { name: 'Reveal' }).click();
  const secret = (await page.getByTestId('new-secret').textContent()) ?? '';
  expect(secret).toMatch(/^lgh_live_[A-Za-z0-9]{32}$/);
  // The sandbox knows the key by hash only and reports it active.
  const created = [...keydeck.sandbox.laghav.keys.byId.values()].find((k) => k.name === 'Deploy bot');
  expect(created?.status).toBe('active');
  expect(created?.scope).toBe('app_deploy');
  expect(keydeck.sandbox.laghav.keys.lookup(secret)?.id).toBe(created?.id);
  await page.getByRole('button', { name: 'Copy' }).click();
  // The browser preview copies with the browser's clipboard, which Keydeck cannot clear later.
  await expect(page.getByText('Copied. Clear your clipboard when you are done.')).toBeVisible();
  expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
  await expectNoAxeViolations(page, 'secret shown once');
  await page.getByRole('button', { name: 'I have saved it' }).click();

  const botRow = page.getByRole('row', { name: /Deploy bot/ });
  await expect(botRow.getByText('Held')).toBeVisible();

  // Revoke behind a confirmation that names the key and the environment.
  await botRow.getByRole('button', { name: 'Revoke Deploy bot' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke “Deploy bot”?' });
  await expect(dialog).toContainText('LIVE');
  await expect(dialog).toContainText('Acme');
  await expect(dialog.getByRole('button', { name: 'Revoke live key' })).toBeDisabled();
  await expectNoAxeViolations(page, 'revoke dialog');
  await dialog.getByLabel(/Type Deploy bot to confirm/).fill('Deploy bot');
  await dialog.getByRole('button', { name: 'Revoke live key' }).click();
  await expect(dialog).toBeHidden();
  await expect(botRow.getByText('revoked')).toBeVisible();
  expect(created?.status).toBe('revoked');

  // Reload: same organization, same state, straight from the metadata store and the provider.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /Deploy bot/ }).getByText('revoked')).toBeVisible();
  await expect(
    page.getByRole('row', { name: /Keydeck admin \(live\)/ }).getByText('Keydeck’s admin key'),
  ).toBeVisible();

  // Nothing Keydeck wrote holds a secret.
  for (const file of readAllFiles(keydeck.profileDir)) {
    for (const s of [admin.live, secret]) expect(file.text.includes(s), `${file.path} holds a secret`).toBe(false);
  }
  expect(consoleErrors).toEqual([]);
});

test('the test environment is connected separately, and a live key is refused in its slot', async ({
  page,
  keydeck,
}) => {
  const admin = keydeck.seed('Globex');
  await page.goto(keydeck.host.url);
  await page.getByLabel('API key').fill(admin.live);
  await page.getByText('Advanced: API URL').click();
  await page.getByLabel(/API base URL/).fill(keydeck.sandbox.urls.laghav);
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('heading', { name: 'Laghav', level: 1 })).toBeVisible();

  await page.getByRole('radio', { name: 'Test' }).click();
  await expect(page.getByRole('heading', { name: 'Connect a test key for Laghav' })).toBeVisible();
  await expect(page.getByText('LIVE environment: real data, real money')).toBeHidden();
  await expectNoAxeViolations(page, 'connect another environment');
  await page.getByLabel('API key').fill(admin.live);
  await expect(page.getByTestId('key-hint')).toHaveText('This is a live key; this slot needs a test key.');
  await expect(page.getByRole('button', { name: 'Verify and connect' })).toBeDisabled();
  await page.getByLabel('API key').fill(admin.test);
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('row', { name: /CI pipeline/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Production web app/ })).toBeHidden();
  await expectNoAxeViolations(page, 'key list (test)');

  // Removing the organization: a confirmation, then back to the first-run screen, keys gone from the keychain.
  await page.getByRole('button', { name: 'Remove…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Remove Laghav from Keydeck?' });
  await expect(dialog).toContainText('Nothing is revoked at Laghav');
  await expectNoAxeViolations(page, 'remove dialog');
  await dialog.getByRole('button', { name: 'Remove organization' }).click();
  await expect(page.getByRole('heading', { name: 'Welcome to Keydeck' })).toBeVisible();
  expect(keydeck.sandbox.laghav.keys.lookup(admin.live)?.status).toBe('active');
});

test('a key the provider does not know is refused with its code, and nothing is stored', async ({ page, keydeck }) => {
  keydeck.seed();
  await page.goto(keydeck.host.url);
  await page.getByLabel('API key').fill('lgh_live_ThisKeyWasNeverIssuedByTheSandbox1');
  await page.getByText('Advanced: API URL').click();
  await page.getByLabel(/API base URL/).fill(keydeck.sandbox.urls.laghav);
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Laghav does not recognise this key.');
  await expect(alert).toContainText('KEY_INVALID');
  await expect(alert).toContainText('INVALID_KEY');
  await expect(alert).toContainText('HTTP 401');
  await expectNoAxeViolations(page, 'connect error');

  // Zero-width characters are refused before anything is sent.
  await page.getByLabel('API key').fill('lgh_live_abc\u200Bdefghijkl');
  await expect(page.getByTestId('key-hint')).toContainText('invisible character (U+200B)');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Welcome to Keydeck' })).toBeVisible();
});
