import { expect, expectNoAxeViolations, test } from './fixtures.js';

/** Words a person uses, and a switch that keeps focus where the selection is (issue 14). */

test('the environment is named in words in both environments, and the switch moves focus with the selection', async ({
  page,
  keydeck,
}) => {
  const admin = keydeck.seed('Acme');
  await page.goto(keydeck.host.url);
  await page.getByLabel('API key').fill(admin.live);
  await page.getByText('Advanced: API URL').click();
  await page.getByLabel(/API base URL/).fill(keydeck.sandbox.urls.laghav);
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('heading', { name: 'Laghav', level: 1 })).toBeVisible();
  await expect(page.getByText('LIVE environment: real data, real money')).toBeVisible();
  await expect(page.getByText('Test environment: no real data or money')).toHaveCount(0);

  // Roving tabindex: the selected radio is the one in the tab order; an arrow selects and focuses.
  const live = page.getByRole('radio', { name: 'LIVE' });
  const testRadio = page.getByRole('radio', { name: 'Test' });
  await expect(live).toHaveAttribute('tabindex', '0');
  await expect(testRadio).toHaveAttribute('tabindex', '-1');
  await live.focus();
  await page.keyboard.press('ArrowRight');
  await expect(testRadio).toHaveAttribute('aria-checked', 'true');
  await expect(testRadio).toBeFocused();
  await expect(testRadio).toHaveAttribute('tabindex', '0');
  await expect(live).toHaveAttribute('tabindex', '-1');
  await expect(page.getByText('Test environment: no real data or money')).toBeVisible();
  await expect(page.getByText('LIVE environment: real data, real money')).toHaveCount(0);
  await expectNoAxeViolations(page, 'test environment banner');
  await page.keyboard.press('ArrowLeft');
  await expect(live).toHaveAttribute('aria-checked', 'true');
  await expect(live).toBeFocused();
});

test('a key field tells a short key it is short, and promises detection only where a prefix exists', async ({
  page,
  keydeck,
}) => {
  await page.goto(keydeck.host.url);
  await expect(page.getByTestId('key-hint')).toContainText('Legba publishes none');
  await page.getByLabel('API key').fill('lgh_live_abc');
  await expect(page.getByTestId('key-hint')).toHaveText(
    'The key is too short: Keydeck expects at least 8 characters after lgh_live_, and this has 3. Copy it again in full.',
  );
  await page.getByLabel('API key').fill(`lt_live_${'a'.repeat(31)}`);
  await expect(page.getByTestId('key-hint')).toContainText(
    'Keydeck expects 32 characters after lt_live_, and this has 31',
  );
  // A key with no known prefix: the person says whose it is; for Legba, nothing is promised from the key.
  await page.getByLabel('API key').fill('abcdefghijklmnopqrstuvwx');
  await page.getByRole('combobox', { name: 'Provider' }).selectOption('legba');
  await page.getByLabel('API key').fill('');
  await expect(page.getByTestId('key-hint')).toContainText('Legba publishes no key format');
  await expect(page.getByTestId('key-hint')).not.toContainText('from its prefix');
});
