import { expect, expectNoAxeViolations, test } from './fixtures.js';

test.use({ sandboxDefaults: true, viewport: { width: 1280, height: 800 } });

type Connected = { organization: { id: string } };
const ORGS = 100;

test('at 100 organizations: the sidebar scrolls on its own, keys come before quotas, a switch starts at the top, and Review shows exactly the reminder’s keys', async ({
  page,
  keydeck,
}) => {
  test.setTimeout(240_000);
  const day = 86_400_000;
  // 100 organizations, each with one key due for rotation (200 days old) besides Keydeck's admin key.
  for (let i = 1; i <= ORGS; i++) {
    const name = `Org ${String(i).padStart(3, '0')}`;
    const seeded = keydeck.sandbox.laghav.seedOrg(name, [{ name: `${name} billing`, environment: 'live' }]);
    for (const k of keydeck.sandbox.laghav.keysOf(seeded.org.id))
      if (k.name.endsWith('billing')) k.createdAt = new Date(Date.now() - 200 * day).toISOString();
    const { organization } = await keydeck.call<Connected>('orgs.connect', { key: seeded.admin.live, name });
    await keydeck.call('keys.list', { orgId: organization.id, environment: 'live' });
  }
  await page.goto(keydeck.host.url);
  await expect(page.getByRole('heading', { name: 'Org 001', level: 1 })).toBeVisible();

  // The sidebar is its own scroll area: the page stays one screen tall on an organization.
  const list = page.getByRole('list', { name: 'Your organizations' });
  const sizes = await list.evaluate((el) => ({
    scroll: el.scrollHeight,
    client: el.clientHeight,
    page: el.ownerDocument.scrollingElement?.scrollHeight ?? 0,
    viewport: el.ownerDocument.defaultView?.innerHeight ?? 0,
  }));
  expect(sizes.scroll).toBeGreaterThan(sizes.client);
  expect(sizes.page).toBeLessThanOrEqual(sizes.viewport + 2);

  // The reminder names its organizations truthfully, and Review opens exactly its keys.
  const banner = page.getByTestId('reminder-banner');
  await expect(banner.getByRole('heading')).toHaveText('Reminder: 100 keys due for rotation');
  await expect(banner).toContainText(
    'In 100 organizations: Org 001 (LIVE), Org 002 (LIVE), Org 003 (LIVE) and 97 more places',
  );
  await banner.getByRole('button', { name: 'Review' }).click();
  await expect(page.getByRole('heading', { name: 'Overview: all organizations', level: 1 })).toBeFocused();
  await expect(page.getByTestId('reminder-filter')).toContainText('Showing the 100 keys of the reminder.');
  await expect(page.getByRole('status').filter({ hasText: 'shown' })).toHaveText('100 shown');
  await expect(
    page.getByRole('table', { name: 'Keys and their usage' }).getByRole('row', { name: /Org 050 billing/ }),
  ).toHaveCount(0); // virtualised: not all rows are in the DOM
  await page.getByRole('textbox', { name: 'Filter' }).fill('org 050 billing');
  await expect(page.getByRole('row', { name: /Org 050 billing/ })).toBeVisible();
  await page.getByRole('textbox', { name: 'Filter' }).fill('admin');
  await expect(page.getByRole('status').filter({ hasText: 'shown' })).toHaveText('0 shown');
  await page.getByRole('button', { name: 'Show all keys' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'shown' })).toHaveText('100 shown');
  await page.getByRole('textbox', { name: 'Filter' }).fill('');

  // The summary, then the keys; the quotas after them, collapsed to those near a limit.
  const top = (el: {
    getBoundingClientRect(): { top: number };
    ownerDocument: { defaultView: { scrollY: number } | null };
  }) => el.getBoundingClientRect().top + (el.ownerDocument.defaultView?.scrollY ?? 0);
  const tableTop = await page.getByRole('table', { name: 'Keys and their usage' }).evaluate(top);
  const quota = page.getByTestId('quota-panel');
  const quotaTop = await quota.evaluate(top);
  expect(tableTop).toBeLessThan(quotaTop);
  expect(tableTop).toBeLessThan(800);
  await expect(page.getByTestId('quota-summary')).toContainText(
    'None of the 100 organization-environments is near a limit.',
  );
  await expect(quota.getByRole('table')).toHaveCount(0);
  await quota.getByRole('button', { name: 'Show all 100' }).click();
  await expect(quota.getByRole('row')).toHaveCount(ORGS + 1);
  await expectNoAxeViolations(page, 'overview at 100 organizations');

  // Scrolled down the overview, a switch opens the organization at its top with focus on its heading.
  await page.evaluate('scrollTo(0, document.body.scrollHeight)');
  expect(await page.evaluate<number>('scrollY')).toBeGreaterThan(0);
  const target = list.getByRole('button', { name: /^Org 087/ });
  await target.scrollIntoViewIfNeeded();
  await target.click();
  await expect(page.getByRole('heading', { name: 'Org 087', level: 1 })).toBeFocused();
  expect(await page.evaluate<number>('scrollY')).toBe(0);
  await expect(page.getByText('LIVE environment: real data, real money')).toBeInViewport();
  await page.screenshot({ path: 'reports/screens/scale-org.png' });

  // The palette at 100: words in any order find the key to rotate; what is not listed is counted.
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Go to…' });
  await palette.getByRole('combobox').fill('rot');
  await expect(palette.getByTestId('palette-more')).toContainText('70 more keys Keydeck can rotate');
  for (const words of ['rot org 099', 'org 099 rotate']) {
    await palette.getByRole('combobox').fill(words);
    await expect(palette.getByRole('option', { name: /^Rotate Keydeck admin \(live\)… Org 099 · LIVE/ })).toBeVisible();
  }
  await page.keyboard.press('Escape');

  // Dialogs start away from destructive buttons and give focus back to what opened them.
  const settingsButton = page.getByRole('navigation').getByRole('button', { name: 'Settings' });
  await settingsButton.click();
  await expect(page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Done' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(settingsButton).toBeFocused();
});

test('the overview is built from the lists in memory: it agrees with the core, ships no key twice, and Refresh all replaces the lists a switch paints from', async ({
  page,
  keydeck,
}) => {
  test.setTimeout(180_000);
  const N = 30;
  const orgIds = new Map<string, string>();
  for (let i = 1; i <= N; i++) {
    const name = `Team ${String(i).padStart(2, '0')}`;
    const seeded = keydeck.sandbox.laghav.seedOrg(name, [{ name: `${name} worker`, environment: 'live' }]);
    const { organization } = await keydeck.call<Connected>('orgs.connect', { key: seeded.admin.live, name });
    orgIds.set(name, seeded.org.id);
    await keydeck.call('keys.list', { orgId: organization.id, environment: 'live' });
  }
  // Every call the page sends, by channel (the preview host's socket).
  await page.addInitScript(`
    window.__sent = [];
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (data) { try { const m = JSON.parse(String(data)); window.__sent.push(m.channel + (m.input && m.input.orgId ? ' ' + m.input.orgId : '')); } catch {} return send.call(this, data); };
  `);
  const sent = () => page.evaluate<string[]>('window.__sent.splice(0)');
  await page.goto(keydeck.host.url);
  await expect(page.getByRole('heading', { name: 'Team 01', level: 1 })).toBeVisible();
  await page.getByRole('navigation').getByRole('button', { name: 'Overview' }).click();

  // The same summary as the core's own usage.overview, without asking for it.
  type Summary = {
    keys: number;
    organizations: number;
    due: number;
    stale: number;
    neverUsed: number;
    lastUsedUnknown: number;
  };
  const summaryText = (s: Summary) =>
    `${s.due} due, ${s.stale} stale, ${s.neverUsed} never used across ${s.organizations} organizations (${s.keys.toLocaleString('en')} keys); last use unknown for ${s.lastUsedUnknown}`;
  const before = (await keydeck.call<{ summary: Summary }>('usage.overview', {})).summary;
  expect(before.keys).toBe(2 * N);
  await expect(page.getByTestId('usage-summary')).toHaveText(summaryText(before));
  await expect(page.getByRole('status').filter({ hasText: 'shown' })).toHaveText(`${2 * N} shown`);

  // A key made at the provider appears after Refresh all, from the lists it answered.
  keydeck.sandbox.laghav.mint(orgIds.get('Team 07')!, 'Team 07 late', 'live');
  await page.getByRole('button', { name: 'Refresh all', exact: true }).click();
  await expect(page.locator('.refresh-progress[role="status"]')).toContainText(`${N} of ${N} refreshed`);
  const after = (await keydeck.call<{ summary: Summary }>('usage.overview', {})).summary;
  expect(after.keys).toBe(2 * N + 1);
  await expect(page.getByTestId('usage-summary')).toHaveText(summaryText(after));
  expect((await sent()).filter((c) => c.startsWith('usage.overview'))).toEqual([]);

  // A switch after Refresh all paints from the lists it answered: no list is asked for again from the cache.
  await page
    .getByRole('navigation')
    .getByRole('button', { name: /^Team 07/ })
    .click();
  await expect(page.getByRole('heading', { name: 'Team 07', level: 1 })).toBeVisible();
  await expect(page.getByRole('row', { name: /Team 07 worker/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Team 07 late/ })).toBeVisible();
  expect((await sent()).filter((c) => c.startsWith('keys.cached'))).toEqual([]);

  // A key made here marks this organization's lists stale, not the 29 others': the overview fetches one list again.
  const team07 = (
    await keydeck.call<{ organizations: { id: string; name: string }[] }>('orgs.list', {})
  ).organizations.find((o) => o.name === 'Team 07')!.id;
  await page.getByRole('button', { name: 'New key' }).click();
  await page.getByLabel('Name').fill('Team 07 bot');
  await page.getByLabel(/App ID/).fill('app_bot');
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.getByTestId('new-secret')).toContainText('lgh_live_');
  await page.getByRole('button', { name: 'I have saved it' }).click();
  await expect(page.getByRole('row', { name: /Team 07 bot/ })).toBeVisible();
  await page.getByRole('navigation').getByRole('button', { name: 'Overview' }).click();
  const latest = (await keydeck.call<{ summary: Summary }>('usage.overview', {})).summary;
  expect(latest.keys).toBe(2 * N + 2);
  await expect(page.getByTestId('usage-summary')).toHaveText(summaryText(latest));
  const lists = (await sent()).filter((c) => c.startsWith('keys.cached') || c.startsWith('keys.list'));
  expect(lists.filter((c) => !c.endsWith(team07))).toEqual([]);
});
