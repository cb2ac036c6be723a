import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test, type Keydeck } from './fixtures.js';

/**
 * A double click on every mutating button has one effect, at the provider and in Keydeck. The UI
 * ignores the second click (a guard set synchronously on the first: one answer per channel reached
 * the page) and the core runs one change at a time (the provider's truth and call log, and the
 * metadata, say what really happened).
 */
test.use({ sandboxDefaults: true });

/**
 * Two ways to double click. Playwright's `dblclick()` sends two real input events, between which
 * the page may run timers and re-render; `burst` clicks twice (and fires dblclick) in one task, the
 * fastest double click there is, before any re-render or timer: only a guard set synchronously in
 * the first click's handler stops the second.
 */
const STYLES = {
  'dblclick()': (button: Locator) => button.dblclick(),
  burst: async (button: Locator) => {
    await button.click({ trial: true });
    // In the page (typed structurally: this config has no DOM types).
    await button.evaluate((el: { click(): void; dispatchEvent(event: unknown): boolean }) => {
      const { MouseEvent } = globalThis as unknown as { MouseEvent: new (type: string, init: object) => unknown };
      el.click();
      el.click();
      el.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, cancelable: true, detail: 2 }));
    });
  },
} as const;

/** Answers the page received on one channel since `from` (one per call it sent). */
function answers(keydeck: Keydeck, channel: string, from = 0): number {
  return keydeck.recording.frames.slice(from).filter((f) => f.channel === channel).length;
}

/** Calls the Laghav sandbox logged, by method and path pattern, since `from`. */
function laghavCalls(keydeck: Keydeck, method: string, path: RegExp, from = 0) {
  return keydeck.sandbox.laghav.calls.slice(from).filter((c) => c.method === method && path.test(c.path));
}

async function connectByDoubleClick(page: Page, keydeck: Keydeck, dbl: (b: Locator) => Promise<void>) {
  const seeded = keydeck.sandbox.laghav.seedOrg('Acme');
  await page.goto(keydeck.host.url);
  await page.getByLabel('Admin API key').fill(seeded.admin.live);
  await page.getByLabel('Organization name (optional)').fill('Acme');
  await dbl(page.getByRole('button', { name: 'Verify and connect' }));
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
  return seeded;
}

async function connect(page: Page, keydeck: Keydeck) {
  const seeded = keydeck.sandbox.laghav.seedOrg('Acme');
  await page.goto(keydeck.host.url);
  await page.getByLabel('Admin API key').fill(seeded.admin.live);
  await page.getByLabel('Organization name (optional)').fill('Acme');
  await page.getByRole('button', { name: 'Verify and connect' }).click();
  await expect(page.getByRole('heading', { name: 'Acme', level: 1 })).toBeVisible();
  return seeded;
}

function envFolder(admin: string) {
  const dir = mkdtempSync(join(tmpdir(), 'keydeck-e2e-dbl-'));
  const path = join(dir, '.env');
  const original = `# app config\nLAGHAV_API_KEY=${admin}\nPORT=3000\n`;
  writeFileSync(path, original);
  return { dir, path, original };
}

for (const [style, dbl] of Object.entries(STYLES)) {
  test(`${style}: connect, create, revoke, start rotation, deploy to a .env, continue, confirm use: one of each`, async ({
    page,
    keydeck,
  }) => {
    // Connect: one organization, one admin credential.
    const seeded = await connectByDoubleClick(page, keydeck, dbl);
    const providerOrgId = keydeck.sandbox.laghav.identify(seeded.admin.live)?.orgId ?? '';
    expect(answers(keydeck, 'orgs.connect')).toBe(1);
    expect(keydeck.meta().organizations).toHaveLength(1);
    expect(keydeck.meta().credentials.map((c) => c.role)).toEqual(['admin']);

    // Create key: one key at the provider, one POST.
    let calls = keydeck.sandbox.laghav.calls.length;
    await page.getByRole('button', { name: 'New key' }).click();
    const create = page.getByRole('dialog', { name: 'New LIVE key for Acme' });
    await create.getByLabel('Name').fill('Double key');
    await dbl(create.getByRole('button', { name: 'Create key' }));
    await expect(create.getByTestId('new-secret')).toBeVisible();
    expect(answers(keydeck, 'keys.create')).toBe(1);
    expect(laghavCalls(keydeck, 'POST', /^\/api\/keys$/, calls)).toHaveLength(1);
    expect(keydeck.sandbox.laghav.truth(providerOrgId).filter((k) => k.name === 'Double key')).toHaveLength(1);
    await create.getByRole('button', { name: 'I have saved it' }).click();

    // Revoke it: one DELETE.
    const doubleKey = keydeck.sandbox.laghav.truth(providerOrgId).find((k) => k.name === 'Double key');
    calls = keydeck.sandbox.laghav.calls.length;
    await page.getByRole('button', { name: 'Revoke Double key' }).click();
    const revoke = page.getByRole('dialog', { name: 'Revoke “Double key”?' });
    await revoke.getByLabel(/Type Double key to confirm/).fill('Double key');
    await dbl(revoke.getByRole('button', { name: 'Revoke live key' }));
    await expect(revoke).toBeHidden();
    expect(answers(keydeck, 'keys.revoke')).toBe(1);
    expect(laghavCalls(keydeck, 'DELETE', /^\/api\/keys\//, calls)).toHaveLength(1);
    expect(keydeck.sandbox.laghav.truthById(doubleKey?.id ?? '')?.status).toBe('revoked');

    // Start rotation: one rotation, one new key at the provider.
    const env = envFolder(seeded.admin.live);
    calls = keydeck.sandbox.laghav.calls.length;
    await page
      .getByRole('row', { name: /Keydeck admin \(live\)/ })
      .getByRole('button', { name: /^Rotate/ })
      .click();
    const start = page.getByRole('dialog', { name: /^Rotate “/ });
    await start.getByLabel(/I understand this rotates a LIVE key/).check();
    await dbl(start.getByRole('button', { name: 'Start rotation' }));
    const wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Acme/ });
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
    expect(answers(keydeck, 'rotation.start')).toBe(1);
    expect(keydeck.meta().rotations).toHaveLength(1);
    expect(laghavCalls(keydeck, 'POST', /^\/api\/keys$/, calls)).toHaveLength(1);
    const rotated = keydeck.sandbox.laghav
      .truth(providerOrgId)
      .filter((k) => /\(rotated \d{4}-\d{2}-\d{2}\)$/.test(k.name));
    expect(rotated.map((k) => k.status)).toEqual(['active']);
    expect(
      keydeck
        .meta()
        .credentials.map((c) => c.role)
        .sort(),
    ).toEqual(['admin', 'pending']);

    // Deploy to a .env: written once; its backup holds the original content, not the new key.
    let acts = answers(keydeck, 'rotation.act');
    await wizard.getByLabel('A .env file').check();
    await wizard.getByLabel('File (full path)').fill(env.path);
    await dbl(wizard.getByRole('button', { name: 'Deploy', exact: true }));
    await expect(wizard.getByLabel('Deploy results')).toContainText(`LAGHAV_API_KEY in ${env.path}`);
    expect(answers(keydeck, 'rotation.act', 0) - acts).toBe(1);
    const journal = keydeck.meta().rotations[0];
    expect(journal?.deployResults).toHaveLength(1);
    expect(journal?.deployRecords).toHaveLength(1);
    const record = journal?.deployRecords[0];
    const backup = record?.kind === 'envFile' ? (record.backup ?? '') : '';
    expect(backup).not.toBe('');
    expect(readFileSync(backup, 'utf8')).toBe(env.original);
    const written = readFileSync(env.path, 'utf8');
    const newKey = /LAGHAV_API_KEY=(lgh_live_\w+)/.exec(written)?.[1] ?? '';
    expect(newKey).not.toBe(seeded.admin.live);
    expect(written).toBe(`# app config\nLAGHAV_API_KEY=${newKey}\nPORT=3000\n`);
    expect(readdirSync(env.dir).filter((n) => n.endsWith('.bak'))).toHaveLength(1);

    // "It is deployed everywhere": one step on.
    acts = answers(keydeck, 'rotation.act');
    await dbl(wizard.getByRole('button', { name: 'It is deployed everywhere: continue' }));
    await expect(wizard.getByLabel('Everything that used the old key now uses the new one')).toBeVisible();
    expect(answers(keydeck, 'rotation.act') - acts).toBe(1);
    expect(keydeck.meta().rotations[0]?.history.filter((h) => h.event.startsWith('resumed'))).toHaveLength(0);

    // Confirm use, which revokes the old key: one DELETE, of the old key.
    acts = answers(keydeck, 'rotation.act');
    calls = keydeck.sandbox.laghav.calls.length;
    await wizard.getByLabel('Everything that used the old key now uses the new one').check();
    await dbl(wizard.getByRole('button', { name: 'Revoke the old key' }));
    await expect(wizard.getByRole('status').filter({ hasText: 'Done.' })).toContainText(
      'is revoked, refused by Laghav',
    );
    expect(answers(keydeck, 'rotation.act') - acts).toBe(1);
    const deletes = laghavCalls(keydeck, 'DELETE', /^\/api\/keys\//, calls);
    expect(deletes).toHaveLength(1);
    expect(deletes[0]?.path).toBe(`/api/keys/${keydeck.sandbox.laghav.identify(seeded.admin.live)?.id ?? ''}`);
    expect(keydeck.sandbox.laghav.accepts(seeded.admin.live)).toBe(false);
    expect(keydeck.sandbox.laghav.accepts(newKey)).toBe(true);
    expect(keydeck.meta().credentials.map((c) => [c.role, c.last4])).toEqual([['admin', newKey.slice(-4)]]);
    // The backup held the old key, now dead: removed.
    expect(readdirSync(env.dir).filter((n) => n.endsWith('.bak'))).toEqual([]);
    rmSync(env.dir, { recursive: true, force: true });
  });

  test(`${style}: the unfinished-rotations banner: Resume once; Cancel asks, and its confirmation cancels once`, async ({
    page,
    keydeck,
  }) => {
    const seeded = await connect(page, keydeck);
    const providerOrgId = keydeck.sandbox.laghav.identify(seeded.admin.live)?.orgId ?? '';
    const env = envFolder(seeded.admin.live);
    await page
      .getByRole('row', { name: /Keydeck admin \(live\)/ })
      .getByRole('button', { name: /^Rotate/ })
      .click();
    const start = page.getByRole('dialog', { name: /^Rotate “/ });
    await start.getByLabel(/I understand this rotates a LIVE key/).check();
    await start.getByRole('button', { name: 'Start rotation' }).click();
    let wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Acme/ });
    await wizard.getByLabel('A .env file').check();
    await wizard.getByLabel('File (full path)').fill(env.path);
    await wizard.getByRole('button', { name: 'Deploy', exact: true }).click();
    await expect(wizard.getByLabel('Deploy results')).toContainText(`LAGHAV_API_KEY in ${env.path}`);
    const newKey = /LAGHAV_API_KEY=(lgh_live_\w+)/.exec(readFileSync(env.path, 'utf8'))?.[1] ?? '';
    await wizard.getByRole('button', { name: 'Close (resume later)' }).click();

    await page.reload();
    const banner = page.getByRole('region', { name: 'Unfinished rotations' });
    await expect(banner).toContainText('waiting for you while deploying the new key');
    await expect(banner).not.toContainText('“deploy”');
    const from = keydeck.recording.frames.length;
    await dbl(banner.getByRole('button', { name: 'Resume' }));
    wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Acme/ });
    await expect(wizard.getByRole('listitem').filter({ hasText: 'Deploy' })).toContainText('needs you');
    await expect(wizard.getByRole('status').filter({ hasText: 'Working…' })).toHaveCount(0);
    expect(answers(keydeck, 'rotation.act', from)).toBe(1);
    expect(keydeck.meta().rotations[0]?.history.filter((h) => h.event === 'resumed')).toHaveLength(1);
    await wizard.getByRole('button', { name: 'Close (resume later)' }).click();

    // The banner's Cancel asks first, with what cancelling will do.
    const deletesBefore = keydeck.sandbox.laghav.calls.length;
    await banner.getByRole('button', { name: 'Cancel…' }).click();
    const confirm = page.getByRole('dialog', { name: /^Cancel the rotation of / });
    await expect(confirm.getByRole('list', { name: 'What cancelling will do' })).toContainText(
      `Put the old key back into LAGHAV_API_KEY in ${env.path}`,
    );
    expect(answers(keydeck, 'rotation.act', from)).toBe(1);
    const actsBefore = keydeck.recording.frames.length;
    await dbl(confirm.getByRole('button', { name: 'Cancel the rotation' }));
    wizard = page.getByRole('dialog', { name: /^Rotate .* \(LIVE\) in Acme/ });
    await expect(wizard.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
    await expect(confirm).toBeHidden();
    expect(answers(keydeck, 'rotation.act', actsBefore)).toBe(1);
    const journal = keydeck.meta().rotations[0];
    expect(journal?.status).toBe('cancelled');
    expect(journal?.history.filter((h) => h.event === 'cancel requested')).toHaveLength(1);
    const deletes = laghavCalls(keydeck, 'DELETE', /^\/api\/keys\//, deletesBefore);
    expect(deletes).toHaveLength(1);
    const created = keydeck.sandbox.laghav.truth(providerOrgId).filter((k) => /\(rotated /.test(k.name));
    expect(created.map((k) => k.status)).toEqual(['revoked']);
    expect(deletes[0]?.path).toBe(`/api/keys/${created[0]?.id ?? ''}`);
    expect(keydeck.sandbox.laghav.accepts(newKey)).toBe(false);
    expect(keydeck.sandbox.laghav.accepts(seeded.admin.live)).toBe(true);
    await wizard.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(banner).toBeHidden();
    rmSync(env.dir, { recursive: true, force: true });
  });
}
