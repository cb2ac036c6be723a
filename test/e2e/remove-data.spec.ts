import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.use({ sandboxDefaults: true });

test('Settings → Remove all Keydeck data: typed confirmation, says nothing is revoked before and after, then the first-run screen', async ({
  page,
  keydeck,
}) => {
  const acme = keydeck.seed('Acme');
  const beta = keydeck.seed('Beta');
  await page.goto(keydeck.host.url);
  for (const [key, name] of [
    [acme.live, 'Acme'],
    [beta.test, 'Beta'],
  ] as const) {
    if (name === 'Beta') await page.getByRole('button', { name: /Add organization/ }).click();
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('Organization name (optional)').fill(name);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
  expect((await keydeck.secrets.list()).length).toBe(2);

  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const zone = dialog.getByRole('region', { name: 'Remove all Keydeck data' });
  await expect(zone).toContainText(`service “${keydeck.service}”`);
  await expect(zone).toContainText(
    'Your keys still work at the providers; revoke them there if you no longer need them.',
  );
  await zone.getByRole('button', { name: 'Remove all Keydeck data…' }).click();
  const confirm = zone.getByRole('button', { name: 'Remove everything' });
  await expect(confirm).toBeDisabled();
  await zone.getByLabel(/to confirm/).fill('remove');
  await expect(confirm).toBeDisabled();
  await expectNoAxeViolations(page, 'settings: remove all data');
  await zone.getByLabel(/to confirm/).fill('remove everything');
  await confirm.click();

  await expect(page.getByRole('heading', { name: 'Welcome to Keydeck' })).toBeVisible();
  const notice = page.getByTestId('data-removed');
  await expect(notice).toContainText('2 keys deleted from your keychain');
  await expect(notice).toContainText('2 organizations forgotten');
  await expect(notice).toContainText(
    'Your keys still work at the providers; revoke them there if you no longer need them.',
  );
  await expectNoAxeViolations(page, 'first-run screen after removing all data');

  expect(await keydeck.secrets.list()).toEqual([]);
  expect(keydeck.meta().organizations).toEqual([]);
  expect(keydeck.meta().activity).toEqual([]);
  // The key cache's folder was deleted; the page's next calls may write it again, with no list in it.
  const cache = join(keydeck.profileDir, 'key-cache');
  expect(existsSync(join(keydeck.profileDir, 'cache.json'))).toBe(false);
  if (existsSync(cache)) {
    expect(readdirSync(cache).filter((f) => /\.(live|test)\.json$/.test(f))).toEqual([]);
    for (const [file, k] of [
      ['quota.json', 'quota'],
      ['reminded.json', 'reminded'],
    ] as const) {
      if (!existsSync(join(cache, file))) continue;
      const doc = JSON.parse(readFileSync(join(cache, file), 'utf8')) as Record<string, object>;
      expect(Object.keys(doc[k] ?? {}), k).toEqual([]);
    }
  }
  expect(existsSync(join(keydeck.profileDir, 'metadata.last-good.json'))).toBe(false);
  for (const key of [acme.live, beta.test]) expect(keydeck.sandbox.laghav.keys.lookup(key)?.status).toBe('active');
  // Nothing of the old selection survives in the window.
  expect(await page.evaluate<string | null>("localStorage.getItem('keydeck.selection')")).toBeNull();
});
