import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { ACTION_WORDS, ACTIVITY_ACTIONS } from '../../shared/plain.js';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.use({ sandboxDefaults: true });

/** Connects each organization through the first-run form, then "+ Add organization". */
async function connectAll(page: Page, orgs: [key: string, name: string][]): Promise<void> {
  for (const [i, [key, name]] of orgs.entries()) {
    if (i > 0) await page.getByRole('button', { name: '+ Add organization' }).click();
    await page.getByLabel('Admin API key').fill(key);
    await page.getByLabel('Organization name (optional)').fill(name);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
}

test('overview, usage flags, refresh all, activity export, palette and shortcuts, offline lists', async ({
  page,
  keydeck,
}) => {
  const lg = keydeck.sandbox.laghav.seedOrg('Acme', [{ name: 'Old web key', environment: 'live' }]);
  const sk = keydeck.sandbox.skapi.seedOrg('Payments', [{ name: 'Unused checkout', environment: 'live' }]);
  for (const k of keydeck.sandbox.laghav.keysOf(lg.org.id))
    if (k.name === 'Old web key') k.createdAt = new Date(Date.now() - 120 * 86_400_000).toISOString();
  await page.goto(keydeck.host.url);
  await connectAll(page, [
    [lg.admin.live, 'Acme'],
    [sk.admin.live, 'Payments'],
  ]);

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
  // Flags: each its own element, apart from the next; sortable, most urgent first (due, stale, never used, clock ahead, none).
  await page.getByRole('button', { name: /^Flags/ }).click();
  await expect(page.getByRole('columnheader', { name: /Flags/ })).toHaveAttribute('aria-sort', 'ascending');
  const flagCells = page.locator('.usage-scroll [role="row"] .usage-flags');
  await expect(flagCells.first()).toHaveText('due');
  const flagTexts = await flagCells.allTextContents();
  const rank = (t: string) =>
    t.startsWith('due')
      ? 0
      : t.startsWith('stale')
        ? 1
        : t.startsWith('never used')
          ? 2
          : t.startsWith('clock ahead')
            ? 3
            : 4;
  expect(flagTexts.map(rank)).toEqual([...flagTexts.map(rank)].sort((a, b) => a - b));
  expect(flagTexts.join('|')).not.toMatch(/since|usedsince|[a-z]{2,}(due|stale|never)/);
  await page.getByRole('button', { name: /^Flags/ }).click();
  await expect(page.getByRole('columnheader', { name: /Flags/ })).toHaveAttribute('aria-sort', 'descending');

  // The activity log, exported.
  await page.getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('row', { name: /Connected an organization.*Payments/ })).toBeVisible();
  // Words, never the action's id; the filter offers every action of the contract, in words.
  await expect(page.getByRole('table').getByText('org.connect')).toHaveCount(0);
  const actionFilter = page.getByRole('combobox', { name: 'Action' });
  expect(await actionFilter.locator('option').allTextContents()).toEqual([
    'All',
    ...ACTIVITY_ACTIONS.map((a) => ACTION_WORDS[a]),
  ]);
  await actionFilter.selectOption({ label: 'Cancelled a rotation' });
  await expect(
    page.getByText('No activity matches these filters. Filtered on action: Cancelled a rotation.'),
  ).toBeVisible();
  await actionFilter.selectOption({ label: 'All' });
  await expect(page.getByRole('row', { name: /Connected an organization.*Payments/ })).toBeVisible();
  await expectNoAxeViolations(page, 'activity');
  const [csv] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  const text = readFileSync((await csv.path()) ?? '', 'utf8');
  expect(text.split('\r\n')[0]).toBe('at,action,orgName,orgId,environment,keyId,last4,detail');
  expect(text).toContain('"org.connect","Payments"');
  expect(text).not.toContain(lg.admin.live);
  const [json] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export JSON' }).click(),
  ]);
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

test('chart, quotas, policy, settings and the reminder banner', async ({ page, keydeck }) => {
  const day = 86_400_000;
  const lg = keydeck.sandbox.laghav.seedOrg('Acme');
  const sk = keydeck.sandbox.skapi.seedOrg('Payments', [
    { name: 'Old checkout', environment: 'live' },
    { name: 'Quiet webhook', environment: 'live' },
    { name: 'Busy worker', environment: 'live' },
  ]);
  for (const k of keydeck.sandbox.skapi.keysOf(sk.org.id)) {
    if (k.name === 'Old checkout') k.createdAt = new Date(Date.now() - 120 * day).toISOString();
    if (k.name === 'Quiet webhook')
      [k.createdAt, k.lastUsedAt] = [
        new Date(Date.now() - 60 * day).toISOString(),
        new Date(Date.now() - 40 * day).toISOString(),
      ];
    if (k.name === 'Busy worker') k.lastUsedAt = new Date().toISOString();
  }
  await page.goto(keydeck.host.url);
  await connectAll(page, [
    [lg.admin.test, 'Acme'],
    [sk.admin.live, 'Payments'],
  ]);

  // Laghav test keys: Keydeck's own calls against the documented 100 a day, with the provider's own count.
  await page.getByRole('navigation').getByRole('button', { name: /Acme/ }).click();
  await page.getByRole('button', { name: 'Usage' }).click();
  const quota = page.getByTestId('quota-panel');
  await expect(quota).toBeVisible();
  const sandboxCalls = () => keydeck.sandbox.laghav.calls.filter((c) => c.keyId !== undefined).length;
  await expect(quota.getByTestId('quota-used')).toHaveText(String(sandboxCalls()));
  await expect(quota.getByTestId('quota-remaining')).toHaveText(String(100 - sandboxCalls()));
  await expect(quota).toContainText('limit 100/day');
  await expectNoAxeViolations(page, 'quota panel');
  // Laghav does not report last use: its keys are drawn by age, in the strip, not left out.
  const acmeChart = page.getByTestId('usage-chart');
  await expect(acmeChart).toHaveAttribute('data-plotted', '1');
  await expect(acmeChart).toContainText('Last use unknown (the provider does not report it): 1 key by age');
  await expect(acmeChart).toContainText('last use unknown for 1 (drawn by age)');

  // The chart (loaded on demand) plots the organization's keys, with a text equivalent.
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /Payments/ })
    .click();
  await page.getByRole('button', { name: 'Usage' }).click();
  const chart = page.getByTestId('usage-chart');
  await expect(chart).toHaveAttribute('data-plotted', '4');
  // The legend and the text equivalent give the flags' own counts, the same as the summary line.
  await expect(chart.getByRole('img')).toHaveAttribute(
    'aria-label',
    /1 due for rotation, 2 stale, 1 never used, 2 healthy/,
  );
  await expect(chart.getByTestId('chart-legend')).toHaveText(
    /Due for rotation \(1\).*Stale \(2\).*Never used \(1\).*Healthy \(2\)/,
  );
  await expectNoAxeViolations(page, 'usage chart');
  await page.screenshot({ path: 'reports/usage-chart.png', fullPage: true });

  // The policy: a looser one clears the flags, from the summary to the chart.
  // Never used for 120 days, the old key is stale as well as due.
  await expect(page.getByTestId('usage-summary')).toContainText('1 due, 2 stale, 1 never used');
  await page.getByLabel('Due for rotation after').fill('365');
  await page.getByLabel('stale when unused for').fill('0');
  await expect(page.getByText('Whole days from 1 to 3650.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save policy' })).toBeDisabled();
  await page.getByLabel('stale when unused for').fill('365');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByTestId('usage-summary')).toContainText('0 due, 0 stale');
  await expect(chart.getByRole('img')).toHaveAttribute('aria-label', /0 due for rotation, 0 stale/);
  await page.getByLabel('Due for rotation after').fill('90');
  await page.getByLabel('stale when unused for').fill('30');
  await page.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByTestId('usage-summary')).toContainText('1 due, 2 stale');

  // The preview shows reminders as a banner (the app uses desktop notifications), once a day per key.
  await page.getByRole('button', { name: 'Refresh', exact: true }).click();
  const banner = page.getByTestId('reminder-banner');
  await expect(banner.getByRole('heading')).toHaveText('Reminder: 1 key due for rotation and 1 stale');
  await expect(banner).toContainText('Payments (LIVE)');
  await expectNoAxeViolations(page, 'reminder banner');
  await banner.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByRole('heading', { name: 'Overview: all organizations' })).toBeVisible();
  // Exactly the keys the reminder counted (one due, one stale), not every due key nor the quotas.
  await expect(page.getByTestId('reminder-filter')).toContainText('Showing the 2 keys of the reminder.');
  await expect(page.getByRole('row', { name: /Old checkout/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Quiet webhook/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Busy worker/ })).toBeHidden();
  await expect(page.getByLabel('Show')).toHaveValue('all');
  await expect(page.getByRole('heading', { name: 'Overview: all organizations' })).toBeFocused();
  await page.getByRole('button', { name: 'Show all keys' }).click();
  await expect(page.getByRole('row', { name: /Busy worker/ })).toBeVisible();
  // Already reminded today: a reload shows no banner.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Overview: all organizations' })).toBeVisible();
  await page.getByRole('button', { name: 'Refresh all' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'refreshed' })).toContainText('2 of 2 refreshed');
  await expect(banner).toBeHidden();

  // The setting, from the sidebar.
  await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const toggle = dialog.getByLabel(/Remind me when keys become due/);
  await expect(toggle).toBeChecked();
  await expectNoAxeViolations(page, 'settings');
  await toggle.uncheck();
  await expect(toggle).not.toBeChecked();
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect.poll(() => keydeck.meta().settings).toEqual({ reminders: false });
});

test('provider content is untrusted: a hostile key name renders as text, and a huge one stays bounded', async ({
  page,
  keydeck,
}) => {
  const hostile = '<img src=x onerror="window.__xss=1">';
  const sk = keydeck.sandbox.skapi.seedOrg('Payments', [
    { name: hostile, environment: 'live' },
    { name: `Long ${'x'.repeat(5000)}`, environment: 'live' },
  ]);
  await page.goto(keydeck.host.url);
  await page.getByLabel('Admin API key').fill(sk.admin.live);
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('row', { name: /<img src=x/ }).first()).toBeVisible();
  expect(await page.evaluate('window.__xss')).toBeUndefined();
  expect(await page.locator('main img').count()).toBe(0);
  // The long name is shown without breaking the layout: no horizontal overflow of the page.
  expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth + 1')).toBe(true);
});
