import { mkdirSync } from 'node:fs';
import { expect, test } from './fixtures.js';

/**
 * The README's screenshot, taken from a real run: two connected organizations and a key list.
 * Written to reports/ on every run; to docs/ when KEYDECK_UPDATE_SCREENSHOT=1.
 */
test('README screenshot: an organization’s live keys', async ({ page, keydeck }) => {
  const acme = keydeck.seed('Acme Corp');
  keydeck.sandbox.laghav.mint([...keydeck.sandbox.laghav.orgs.keys()][0] ?? '', 'Nightly billing export', 'live', {
    scope: 'app_billing',
  });
  const globex = keydeck.seed('Globex');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(keydeck.host.url);
  for (const [name, admin] of [
    ['Globex', globex],
    ['Acme Corp', acme],
  ] as const) {
    if (name === 'Acme Corp') await page.getByRole('button', { name: '+ Add organization' }).click();
    await page.getByLabel('API key').fill(admin.live);
    await page.getByLabel('Organization name (optional)').fill(name);
    await page.getByText('Advanced: API URL').click();
    await page.getByLabel(/API base URL/).fill(keydeck.sandbox.urls.laghav);
    await page.getByRole('button', { name: 'Verify and connect' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }
  await expect(page.getByRole('row', { name: /Nightly billing export/ })).toBeVisible();
  const target = process.env.KEYDECK_UPDATE_SCREENSHOT === '1' ? 'docs' : 'reports';
  mkdirSync(target, { recursive: true });
  await page.screenshot({ path: `${target}/screenshot.png` });
});
