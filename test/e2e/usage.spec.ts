import { readFileSync } from 'node:fs';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.use({ sandboxDefaults: true });

test('overview, usage flags, refresh all, activity export, palette and shortcuts, offline lists', async ({ page, keydeck }) => {
  const lg = keydeck.sandbox.laghav.seedOrg('Acme', [{ name: 'Old web key', environment: 'live' }]);
  const sk = keydeck.sandbox.skapi.seedOrg('Payments', [{ name: 'Unused checkout', environment: 'live' }]);
  for (const k of keydeck.sandbox.laghav.keysOf(lg.org.id)) if (k.name === 'Old web key') k.createdAt = new Date(Date.now() - 120 * 86_400_000).toISOString();
  await page.goto(keydeck.host.url);
  for (const [key, name] of [
    [lg.admin.live, 'Acme'],
    [sk.admin.live, 'Payments'],
  ] as const) {
    if (name === 'Payments') await page.getByRole('button', { name: '+ Add organization' }).click();
    await page.getByLabel('Admin API key').fill(key);
    await page.getByLabel('Organization name (optional)').fill(name);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }

  // The overview, from the cached lists; Refresh all fills in what was never listed.
  await page.getByRole('button', { name: 'Overview' }).click();
  await expect(page.getByRole('heading', { name: 'Overview: all organizations' })).toBeVisible();
  await page.getByRole('button', { name: 'Refresh all' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'refreshed' })).toContainText('2 of 2 refreshed');
  const summary = page.getByTestId('usage-summary');
  await expect(summary).toContainText('1 due, 0 stale, 1 never used across 2 organizations (4 keys)');
  await expect(summary).toContainText('last use unknown for 2');
  await expectNoAxeViolations(page, 'overview');
  await page.getByLabel('Show').selectOption('due');
  await expect(page.getByRole('row', { name: /Old web key/ })).toContainText('120 d');
  await expect(page.getByRole('row', { name: /Unused checkout/ })).toBeHidden();
  await page.getByLabel('Show').selectOption('neverUsed');
  await expect(page.getByRole('row', { name: /Unused checkout/ })).toContainText('never');
  await page.getByLabel('Show').selectOption('all');
  await page.getByRole('button', { name: /^Age/ }).click();
  await expect(page.getByRole('columnheader', { name: /Age/ })).toHaveAttribute('aria-sort', 'ascending');

  // The activity log, exported.
  await page.getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('row', { name: /org\.connect.*Payments/ })).toBeVisible();
  await expectNoAxeViolations(page, 'activity');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  const text = readFileSync((await csv.path()) ?? '', 'utf8');
  expect(text.split('\r\n')[0]).toBe('at,action,orgName,orgId,environment,keyId,last4,detail');
  expect(text).toContain('"org.connect","Payments"');
  expect(text).not.toContain(lg.admin.live);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export JSON' }).click()]);
  expect((JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as unknown[]).length).toBe(2);

  // The palette and the shortcuts; the last selection survives a reload.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Go to…' });
  await page.keyboard.type('Unused');
  await expect(palette.getByRole('option', { name: /Unused checkout/ })).toBeVisible();
  await expectNoAxeViolations(page, 'palette');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
  await page.keyboard.press('Control+1');
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();

  // Offline: the last list stays, with its time, and nothing breaks.
  keydeck.sandbox.fault('laghav', { kind: 'reset' });
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Showing the list as of' })).toBeVisible();
  await expect(page.getByRole('row', { name: /Old web key/ })).toBeVisible();
  await expectNoAxeViolations(page, 'offline list');
  keydeck.sandbox.servers.laghav.faults.clear();

  // The organization's own usage tab.
  await page.getByRole('button', { name: 'Usage' }).click();
  await expect(page.getByRole('heading', { name: 'Usage: LIVE keys' })).toBeVisible();
  await expectNoAxeViolations(page, 'organization usage');
});
