import { readFileSync } from 'node:fs';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.use({ sandboxDefaults: true });

type Connected = { organization: { id: string } };

test('the palette acts: new key, rotate a named key, refresh, refresh all, export, settings; recent first; the active option stays in view', async ({
  page,
  keydeck,
}) => {
  // Fourteen organizations: more options than the palette's list shows at once.
  const names = Array.from({ length: 14 }, (_, i) => `Org ${String(i + 1).padStart(2, '0')}`);
  for (const name of names) {
    const admin = keydeck.sandbox.laghav.seedOrg(name, [{ name: `${name} web app`, environment: 'live' }]).admin;
    await keydeck.call<Connected>('orgs.connect', { key: admin.live, name });
  }
  await page.goto(keydeck.host.url);
  await expect(page.getByRole('heading', { name: 'Org 01', level: 1 })).toBeVisible();
  const palette = page.getByRole('dialog', { name: 'Go to…' });
  const input = palette.getByRole('combobox');

  // New key: opens the organization's own New key dialog.
  await page.keyboard.press('Control+k');
  await input.fill('new key');
  await expect(palette.getByRole('option', { name: /New key…/ })).toContainText('Org 01 · LIVE');
  await expectNoAxeViolations(page, 'palette actions');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'New LIVE key for Org 01' })).toBeVisible();
  await page.keyboard.press('Escape');

  // Refresh all: opens the overview and refreshes every organization.
  await page.keyboard.press('Control+k');
  await input.fill('refresh all');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Overview: all organizations', level: 1 })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'refreshed' })).toContainText('14 of 14 refreshed');
  await expect(page.getByTestId('usage-summary')).toContainText('(28 keys)');

  // "rot" lists the keys Keydeck can rotate (it holds each organization's admin key); Enter starts one.
  await page.keyboard.press('Control+k');
  await input.fill('rot');
  const rotate = palette.getByRole('option', { name: /^Rotate Keydeck admin \(live\)…/ });
  await expect(rotate.first()).toBeVisible();
  await input.fill('rotate keydeck admin');
  await expect(rotate.first()).toBeVisible();
  // Keys the provider lists but Keydeck does not hold cannot be rotated: none offered.
  await input.fill('rotate org 03 web');
  await expect(palette.getByRole('option', { name: /^Rotate Org 03 web app/ })).toHaveCount(0);
  await input.fill('rot');
  await rotate.nth(2).click();
  await expect(page.getByRole('heading', { name: 'Org 03', level: 1 })).toBeVisible();
  await expect(page.getByRole('dialog', { name: /^Rotate “Keydeck admin \(live\)”/ })).toBeVisible();
  await page.keyboard.press('Escape');

  // Refresh this list.
  const listed = keydeck.sandbox.laghav.calls.length;
  await page.keyboard.press('Control+k');
  await input.fill('refresh this');
  await page.keyboard.press('Enter');
  await expect.poll(() => keydeck.sandbox.laghav.calls.length).toBeGreaterThan(listed);

  // Export activity: opens the log and downloads it.
  await page.keyboard.press('Control+k');
  await input.fill('export activity as csv');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  await expect(page.getByRole('heading', { name: 'Activity', level: 1 })).toBeVisible();
  expect(readFileSync((await csv.path()) ?? '', 'utf8')).toContain('"org.connect","Org 14"');

  // Settings.
  await page.keyboard.press('Control+k');
  await input.fill('settings');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: /Settings/ })).toBeVisible();
  await page.keyboard.press('Escape');

  // Recent first: with nothing typed, the commands just run lead, the last one first.
  await page.keyboard.press('Control+k');
  const options = palette.getByRole('option');
  await expect(options.nth(0)).toContainText('Settings');
  await expect(options.nth(1)).toContainText('Export activity as CSV');
  await expect(options.nth(2)).toContainText('Refresh all organizations');

  // Arrowing far down keeps the active option in view.
  const list = palette.getByRole('listbox');
  for (let i = 0; i < 22; i++) await page.keyboard.press('ArrowDown');
  const active = palette.locator('[role="option"][aria-selected="true"]');
  await expect(active).toHaveCount(1);
  const [box, item] = [await list.boundingBox(), await active.boundingBox()];
  expect(box && item).toBeTruthy();
  if (box && item) {
    expect(item.y).toBeGreaterThanOrEqual(box.y - 1);
    expect(item.y + item.height).toBeLessThanOrEqual(box.y + box.height + 1);
  }
  const activeId = await active.getAttribute('id');
  await expect(input).toHaveAttribute('aria-activedescendant', activeId ?? '');
  await page.keyboard.press('Escape');
});
