import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, expectNoAxeViolations, test } from './fixtures.js';

/**
 * Light and dark themes (issue 14, item 3): the renderer follows prefers-color-scheme from one set
 * of colour tokens. In each theme: axe finds nothing (colour contrast included) on the main
 * screens, LIVE stays a red banner with white text, a keyboard focus ring shows on a <select> and
 * on a sidebar button, and the chart redraws in the other theme's colours when the OS switches.
 * Screenshots of the main screens go to reports/screens/<screen>-<theme>.png; to docs/screens/ (the
 * README's) when KEYDECK_UPDATE_SCREENSHOT=1.
 */
test.use({ sandboxDefaults: true });
// Eleven screens, each with an axe run, in one test per theme: more than the default minute on a busy machine.
test.describe.configure({ timeout: 180_000 });

const SCREENS = process.env.KEYDECK_UPDATE_SCREENSHOT === '1' ? 'docs/screens' : 'reports/screens';
const DAY = 86_400_000;

type Rgb = [number, number, number];

function parseRgb(css: string): Rgb {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(css);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** WCAG relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// The page's DOM through the element (this project's Node tsconfig has no DOM globals).
const css = (el: Locator, property: string) =>
  el.evaluate((node, p) => node.ownerDocument.defaultView!.getComputedStyle(node).getPropertyValue(p), property);

/** Presses Tab until `target` has the focus (a keyboard focus, so :focus-visible applies). */
async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error('Tab never reached the control');
}

/** The focused control shows an outline that stands out (3:1) from what is behind it. */
async function expectFocusRing(control: Locator, behind: Locator, what: string): Promise<void> {
  await expect(control).toBeFocused();
  const style = await control.evaluate((el) => {
    const s = el.ownerDocument.defaultView!.getComputedStyle(el);
    return {
      style: s.outlineStyle,
      width: s.outlineWidth,
      color: s.outlineColor,
      focusVisible: el.matches(':focus-visible'),
    };
  });
  expect(style.focusVisible, `${what} matches :focus-visible`).toBe(true);
  expect(style.style, `${what} outline style`).not.toBe('none');
  expect(parseFloat(style.width), `${what} outline width`).toBeGreaterThanOrEqual(2);
  const ratio = contrast(parseRgb(style.color), parseRgb(await css(behind, 'background-color')));
  expect(ratio, `${what}: focus ring against its background`).toBeGreaterThanOrEqual(3);
}

async function shot(page: Page, name: string, theme: string): Promise<void> {
  await page.screenshot({ path: `${SCREENS}/${name}-${theme}.png` });
}

for (const theme of ['light', 'dark'] as const) {
  test(`${theme} theme: main screens pass axe, LIVE stays red, focus is visible`, async ({ page, keydeck }) => {
    mkdirSync(SCREENS, { recursive: true });
    const acme = keydeck.sandbox.laghav.seedOrg('Acme', [
      { name: 'Production web app', environment: 'live', scope: 'app_web' },
      { name: 'CI pipeline', environment: 'test' },
    ]);
    const globex = keydeck.sandbox.laghav.seedOrg('Globex', [{ name: 'Staging worker', environment: 'test' }]);
    const payments = keydeck.sandbox.skapi.seedOrg('Payments', [
      { name: 'Old checkout', environment: 'live' },
      { name: 'Quiet webhook', environment: 'live' },
      { name: 'Busy worker', environment: 'live' },
    ]);
    for (const k of keydeck.sandbox.skapi.keysOf(payments.org.id)) {
      if (k.name === 'Old checkout') k.createdAt = new Date(Date.now() - 120 * DAY).toISOString();
      if (k.name === 'Quiet webhook')
        [k.createdAt, k.lastUsedAt] = [
          new Date(Date.now() - 60 * DAY).toISOString(),
          new Date(Date.now() - 40 * DAY).toISOString(),
        ];
      if (k.name === 'Busy worker') k.lastUsedAt = new Date().toISOString();
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: theme });
    await page.goto(keydeck.host.url);

    // The page follows the scheme: the body is light in light, actually dark in dark.
    const body = page.locator('body');
    const bodyLum = luminance(parseRgb(await css(body, 'background-color')));
    if (theme === 'dark') expect(bodyLum, 'dark body background luminance').toBeLessThan(0.05);
    else expect(bodyLum, 'light body background luminance').toBeGreaterThan(0.8);
    expect(await css(page.locator('html'), 'color-scheme')).toBe('light dark');

    // First run.
    await expect(page.getByLabel('Admin API key')).toBeVisible();
    await expectNoAxeViolations(page, `first run (${theme})`);
    await shot(page, 'first-run', theme);

    // Connect: two live organizations, one test.
    for (const [i, [key, name]] of (
      [
        [acme.admin.live, 'Acme'],
        [payments.admin.live, 'Payments'],
        [globex.admin.test, 'Globex'],
      ] as const
    ).entries()) {
      if (i > 0) await page.getByRole('button', { name: '+ Add organization' }).click();
      await page.getByLabel('Admin API key').fill(key);
      await page.getByLabel('Organization name (optional)').fill(name);
      await page.getByRole('button', { name: 'Verify and connect' }).click();
      await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
    }
    const nav = page.getByRole('navigation');

    // LIVE keys: the red banner with white text, in either theme.
    await nav.getByRole('button', { name: /Acme/ }).click();
    await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
    await expect(page.getByRole('row', { name: /Production web app/ })).toBeVisible();
    const banner = page.locator('.live-banner');
    await expect(banner).toHaveText(/LIVE environment/);
    const [r, g, b] = parseRgb(await css(banner, 'background-color'));
    expect(r, 'LIVE banner is red').toBeGreaterThan(150);
    expect(Math.max(g, b), 'LIVE banner is red').toBeLessThan(80);
    expect(parseRgb(await css(banner, 'color')), 'LIVE banner text is white').toEqual([255, 255, 255]);
    expect(
      parseRgb(await css(page.getByRole('radio', { name: 'LIVE' }), 'background-color'))[0],
      'LIVE switch is red',
    ).toBeGreaterThan(150);
    expect(parseRgb(await css(page.locator('.org-view'), 'border-top-color'))[0], 'LIVE frame is red').toBeGreaterThan(
      150,
    );
    await expectNoAxeViolations(page, `organization LIVE keys (${theme})`);
    await shot(page, 'org-live', theme);

    // A new key dialog, over the LIVE list.
    await page.getByRole('button', { name: 'New key' }).click();
    const create = page.getByRole('dialog');
    await expect(create).toBeVisible();
    expect(luminance(parseRgb(await css(create, 'background-color'))) < 0.05).toBe(theme === 'dark');
    await expectNoAxeViolations(page, `new key dialog (${theme})`);
    await shot(page, 'new-key', theme);
    await page.keyboard.press('Escape');
    await expect(create).toBeHidden();

    // Test keys: the green bar.
    await nav.getByRole('button', { name: /Globex/ }).click();
    await expect(page.getByRole('heading', { name: 'Globex', level: 1 })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Test' })).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByRole('row', { name: /Staging worker/ })).toBeVisible();
    await expect(page.locator('.live-banner')).toHaveCount(0);
    const [tr, tg] = parseRgb(await css(page.locator('.org-view'), 'border-top-color'));
    expect(tg, 'Test frame is green').toBeGreaterThan(tr + 40);
    await expectNoAxeViolations(page, `organization Test keys (${theme})`);
    await shot(page, 'org-test', theme);

    // The usage tab with its chart; the chart redraws when the OS changes scheme.
    await nav.getByRole('button', { name: /Payments/ }).click();
    await expect(page.getByRole('heading', { name: 'Payments', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'Usage' }).click();
    await expect(page.getByRole('heading', { name: 'Usage: LIVE keys' })).toBeVisible();
    const chart = page.getByTestId('usage-chart');
    await expect(chart).toHaveAttribute('data-plotted', '4');
    await expect(chart).toHaveAttribute('data-scheme', theme);
    await expectNoAxeViolations(page, `usage chart (${theme})`);
    await shot(page, 'usage', theme);
    const other = theme === 'dark' ? 'light' : 'dark';
    await page.emulateMedia({ colorScheme: other });
    await expect(chart).toHaveAttribute('data-scheme', other);
    await page.emulateMedia({ colorScheme: theme });
    await expect(chart).toHaveAttribute('data-scheme', theme);

    // The overview, and a keyboard focus ring on its <select>.
    await nav.getByRole('button', { name: 'Overview' }).click();
    await expect(page.getByRole('heading', { name: 'Overview: all organizations' })).toBeVisible();
    await page.getByRole('button', { name: 'Refresh all' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'refreshed' })).toContainText('3 of 3 refreshed');
    await expectNoAxeViolations(page, `overview (${theme})`);
    await shot(page, 'overview', theme);
    const show = page.getByLabel('Show');
    await page.getByRole('heading', { name: 'Overview: all organizations' }).focus();
    await tabTo(page, show);
    await expectFocusRing(show, body, `<select> (${theme})`);

    // Activity.
    await nav.getByRole('button', { name: 'Activity' }).click();
    await expect(page.getByRole('row', { name: /Payments/ }).first()).toBeVisible();
    await expectNoAxeViolations(page, `activity (${theme})`);
    await shot(page, 'activity', theme);

    // A sidebar button, by keyboard: the ring shows on the dark sidebar.
    const sidebarButton = nav.getByRole('button', { name: /Acme/ });
    await sidebarButton.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    await expectFocusRing(sidebarButton, nav, `sidebar button (${theme})`);

    // The palette.
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Go to…' });
    await page.keyboard.type('Old');
    await expect(palette.getByRole('option', { name: /Old checkout/ })).toBeVisible();
    await expectNoAxeViolations(page, `palette (${theme})`);
    await shot(page, 'palette', theme);
    await page.keyboard.press('Escape');
    await expect(palette).toBeHidden();

    // Settings.
    await nav.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await expect(settings).toBeVisible();
    await expectNoAxeViolations(page, `settings (${theme})`);
    await shot(page, 'settings', theme);
    await settings.getByRole('button', { name: 'Done' }).click();
    await expect(settings).toBeHidden();

    // The rotation wizard (its stepper: done, waiting for you, not yet), on the LIVE admin key.
    await nav.getByRole('button', { name: /Acme/ }).click();
    await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
    await page
      .getByRole('row', { name: /Keydeck admin \(live\)/ })
      .getByRole('button', { name: /^Rotate/ })
      .click();
    const start = page.getByRole('dialog', { name: /^Rotate “/ });
    await start.getByLabel(/I understand this rotates a LIVE key/).check();
    await expectNoAxeViolations(page, `start rotation (${theme})`);
    await start.getByRole('button', { name: 'Start rotation' }).click();
    const wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in / });
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Verify new key' })).toContainText('done');
    await expectNoAxeViolations(page, `rotation wizard (${theme})`);
    await shot(page, 'rotation', theme);
  });
}
