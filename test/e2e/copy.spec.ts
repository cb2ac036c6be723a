import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.use({ sandboxDefaults: true });

/**
 * Copy in the browser preview: the page copies with the browser's clipboard on the person's click
 * (the core's clipboard there is in memory and not the person's), logs the same `key.copy` entry,
 * and claims no 30 s clear it cannot make. The rotation wizard says it cannot deploy to the clipboard.
 */
test('Copy puts the new key on the browser clipboard, logs the copy, and promises no clear', async ({
  page,
  keydeck,
}) => {
  const admin = keydeck.seed('Acme');
  await page
    .context()
    .grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(keydeck.host.url).origin });
  await page.goto(keydeck.host.url);
  await page.getByLabel('API key').fill(admin.live);
  await page.getByLabel('Organization name (optional)').fill('Acme');
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'New key' }).click();
  await page.getByLabel('Name').fill('Deploy bot');
  await page.getByLabel('Keep a copy in my OS keychain').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-secret')).toContainText('••••');
  // Copied without revealing it: the key is on the clipboard, never in the page's text.
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByText('Copied. Clear your clipboard when you are done.')).toBeVisible();
  await expect(page.getByText(/cleared in 30 s/)).toHaveCount(0);
  const copied = await page.evaluate<string>('navigator.clipboard.readText()');
  expect(copied).toMatch(/^lgh_live_[A-Za-z0-9]{32}$/);
  const created = [...keydeck.sandbox.laghav.keys.byId.values()].find((k) => k.name === 'Deploy bot');
  expect(keydeck.sandbox.laghav.keys.lookup(copied)?.id).toBe(created?.id);
  // The core's clipboard was not used (it is not the person's), and the copy is in the activity log.
  expect(keydeck.clipboard.text).toBe('');
  const copies = keydeck.meta().activity.filter((a) => a.action === 'key.copy');
  expect(copies).toHaveLength(1);
  expect(copies[0]?.last4).toBe(copied.slice(-4));
  expect(JSON.stringify(keydeck.meta())).not.toContain(copied);
  await expectNoAxeViolations(page, 'secret shown once, copied in the browser');
  await page.getByRole('button', { name: 'I have saved it' }).click();

  // The wizard offers no clipboard target it cannot fill, and says why.
  await page
    .getByRole('row', { name: /Keydeck admin \(live\)/ })
    .getByRole('button', { name: /^Rotate/ })
    .click();
  const start = page.getByRole('dialog', { name: /^Rotate “/ });
  await start.getByLabel(/I understand this rotates a LIVE key/).check();
  await start.getByRole('button', { name: 'Start rotation' }).click();
  const wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in / });
  await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
  await expect(wizard.getByTestId('no-clipboard-target')).toContainText('Keydeck’s server cannot reach your clipboard');
  await expect(wizard.getByLabel(/The clipboard/)).toHaveCount(0);
  await expect(wizard.getByRole('button', { name: 'Deploy', exact: true })).toBeDisabled();
  await expectNoAxeViolations(page, 'rotation wizard: deploy in the browser preview');
  await wizard.getByLabel('I deploy it myself').check();
  await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
  await expect(wizard.getByLabel('Deploy results')).toBeVisible();
  expect(keydeck.clipboard.text).toBe('');
});
