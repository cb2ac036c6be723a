import { expect, type Page } from '@playwright/test';

/** Follows Keydeck's "Open the … dashboard" link (the preview host shows it) into a new tab. */
export async function openDashboard(page: Page, providerName: string): Promise<Page> {
  await page.getByRole('button', { name: `Open the ${providerName} dashboard` }).click();
  const link = page.getByRole('status').getByRole('link');
  const [popup] = await Promise.all([page.waitForEvent('popup'), link.click()]);
  await popup.waitForLoadState();
  return popup;
}

/** Signs in to the sandbox dashboard and goes to Settings → API Keys, as a person would. */
export async function toApiKeys(dashboard: Page, orgName: string): Promise<void> {
  const signIn = dashboard.getByRole('button', { name: `Sign in as ${orgName}` });
  if (await signIn.isVisible()) await signIn.click();
  await dashboard.getByRole('link', { name: 'Settings' }).click();
  await dashboard.getByRole('link', { name: 'API Keys' }).click();
  await expect(dashboard.getByRole('heading', { name: 'API Keys' })).toBeVisible();
}

/** Creates a key in the dashboard and copies it off the page: the only time it is shown. */
export async function createInDashboard(
  dashboard: Page,
  button: string,
  name: string,
  environment?: 'live' | 'test',
): Promise<string> {
  await dashboard.getByLabel('Name').fill(name);
  if (environment) await dashboard.getByLabel('Environment').selectOption(environment);
  await dashboard.getByRole('button', { name: button }).click();
  await expect(dashboard.getByText('It is shown only once')).toBeVisible();
  const secret = (await dashboard.getByTestId('new-key').textContent()) ?? '';
  await dashboard.getByRole('link', { name: 'Done' }).click();
  return secret;
}

/** Revokes the key with this masked label in the dashboard. */
export async function revokeInDashboard(dashboard: Page, masked: string): Promise<void> {
  await dashboard.getByRole('button', { name: `Revoke ${masked}` }).click();
  await expect(
    dashboard.getByRole('row', { name: new RegExp(masked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) }),
  ).toContainText('revoked');
}
