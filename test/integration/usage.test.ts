import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

let t: TestWorkspace;
beforeEach(async () => {
  t = await testWorkspace({ sandboxDefaults: true });
});
afterEach(() => t.dispose());

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('usage overview, from the cached lists', () => {
  it('flags keys per organization policy, says "unknown" where last use is not reported, and counts them', async () => {
    const lg = t.sandbox.laghav.seedOrg('Acme', [{ name: 'Old web key', environment: 'live' }]);
    const sk = t.sandbox.skapi.seedOrg('Payments', [
      { name: 'Unused', environment: 'live' },
      { name: 'Quiet', environment: 'live' },
    ]);
    for (const k of t.sandbox.laghav.keysOf(lg.org.id)) if (k.name === 'Old web key') k.createdAt = daysAgo(120);
    for (const k of t.sandbox.skapi.keysOf(sk.org.id)) {
      if (k.name === 'Quiet') {
        k.createdAt = daysAgo(200);
        k.lastUsedAt = daysAgo(45);
      }
    }
    const a = await t.call('orgs.connect', { key: lg.admin.live, name: 'Acme' });
    const b = await t.call('orgs.connect', { key: sk.admin.live, name: 'Payments' });

    let overview = await t.call('usage.overview', {});
    expect(overview.rows).toEqual([]);
    expect(overview.summary.unlisted).toBe(2);

    await t.call('keys.list', { orgId: a.organization.id, environment: 'live' });
    await t.call('keys.list', { orgId: b.organization.id, environment: 'live' });
    overview = await t.call('usage.overview', {});
    const byName = Object.fromEntries(overview.rows.map((r) => [`${r.orgName}/${r.key.name}`, r.flags]));
    expect(byName['Acme/Old web key']).toMatchObject({
      due: true,
      lastUsedUnknown: true,
      stale: false,
      neverUsed: false,
      ageDays: 120,
    });
    expect(byName['Payments/Unused']).toMatchObject({ neverUsed: true, due: false, lastUsedUnknown: false });
    expect(byName['Payments/Quiet']).toMatchObject({ due: true, stale: true, neverUsed: false });
    expect(overview.summary).toMatchObject({
      organizations: 2,
      keys: 5,
      due: 2,
      stale: 1,
      neverUsed: 1,
      lastUsedUnknown: 2,
      unlisted: 0,
    });

    // A stricter policy for one organization moves its keys, and only its keys.
    await t.call('orgs.update', { orgId: b.organization.id, policy: { rotateAfterDays: 365, staleAfterDays: 60 } });
    overview = await t.call('usage.overview', { orgId: b.organization.id });
    expect(overview.rows.find((r) => r.key.name === 'Quiet')?.flags).toMatchObject({ due: false, stale: false });
    expect(overview.summary.organizations).toBe(1);
  });

  it('keeps the last list readable offline, with its time', async () => {
    const lg = t.sandbox.laghav.seedOrg('Acme');
    const a = await t.call('orgs.connect', { key: lg.admin.live });
    const fresh = await t.call('keys.list', { orgId: a.organization.id, environment: 'live' });
    t.sandbox.fault('laghav', { kind: 'reset' });
    const offline = await t.callErr('keys.list', { orgId: a.organization.id, environment: 'live' });
    expect(offline.code).toBe('NETWORK_ERROR');
    const cached = await t.call('keys.cached', { orgId: a.organization.id, environment: 'live' });
    expect(cached.list?.fetchedAt).toBe(fresh.fetchedAt);
    expect(cached.list?.keys.map((k) => k.name)).toEqual(['Keydeck admin (live)']);
    for (const text of t.files()) expect(text).not.toContain(lg.admin.live);
    t.sandbox.servers.laghav.faults.clear();
  });

  it('answers the first screen in one call: orgs.list with `show` carries the last list of the organization the window opens on', async () => {
    const one = t.sandbox.laghav.seedOrg('One', [{ name: 'CI', environment: 'test' }]);
    const two = t.sandbox.laghav.seedOrg('Two');
    const a = await t.call('orgs.connect', { key: one.admin.live, name: 'One' });
    await t.call('orgs.connectEnvironment', { orgId: a.organization.id, environment: 'test', key: one.admin.test });
    const b = await t.call('orgs.connect', { key: two.admin.live, name: 'Two' });
    // Nothing listed yet: the organization and environment are named, with no list.
    let first = await t.call('orgs.list', { show: {} });
    expect(first.shown).toEqual({ orgId: a.organization.id, environment: 'live', list: null });
    const fresh = await t.call('keys.list', { orgId: a.organization.id, environment: 'test' });
    // The environment asked for, when connected there; the list is the one keys.cached answers.
    first = await t.call('orgs.list', { show: { orgId: a.organization.id, environment: 'test' } });
    expect(first.shown?.environment).toBe('test');
    expect(first.shown?.list?.fetchedAt).toBe(fresh.fetchedAt);
    expect(first.shown?.list).toEqual(
      (await t.call('keys.cached', { orgId: a.organization.id, environment: 'test' })).list,
    );
    // An environment not connected there falls back to the first connected one; an organization
    // that no longer exists falls back to the first.
    first = await t.call('orgs.list', { show: { orgId: b.organization.id, environment: 'test' } });
    expect(first.shown).toMatchObject({ orgId: b.organization.id, environment: 'live' });
    first = await t.call('orgs.list', { show: { orgId: 'org_gone0000', environment: 'test' } });
    expect(first.shown).toMatchObject({ orgId: a.organization.id, environment: 'test' });
    // Without `show`, nothing more than the organizations.
    expect((await t.call('orgs.list', {})).shown).toBeUndefined();
    for (const text of [JSON.stringify(first), ...t.files()]) expect(text).not.toContain(one.admin.test);
  });
});

describe('activity log', () => {
  it('lists what Keydeck did, newest first, filterable, never a secret', async () => {
    const lg = t.sandbox.laghav.seedOrg('Acme');
    const a = await t.call('orgs.connect', { key: lg.admin.live, name: 'Acme' });
    const created = await t.call('keys.create', {
      orgId: a.organization.id,
      environment: 'live',
      name: 'Bot',
      keep: false,
    });
    await t.call('keys.list', { orgId: a.organization.id, environment: 'live' });
    await t.call('keys.revoke', { orgId: a.organization.id, environment: 'live', keyId: created.key.id });
    const all = await t.call('activity.list', {});
    expect(all.entries.map((e) => e.action)).toEqual(['key.revoke', 'key.create', 'org.connect']);
    expect(all.entries[0]).toMatchObject({
      orgName: 'Acme',
      environment: 'live',
      keyId: created.key.id,
      last4: created.secret.slice(-4),
    });
    const revokes = await t.call('activity.list', { action: 'key.revoke' });
    expect(revokes.entries).toHaveLength(1);
    expect(JSON.stringify(all)).not.toContain(created.secret);
  });

  it('records a reveal and a copy with the key they were about, never the key', async () => {
    const lg = t.sandbox.laghav.seedOrg('Acme');
    const a = await t.call('orgs.connect', { key: lg.admin.live, name: 'Acme' });
    const created = await t.call('keys.create', {
      orgId: a.organization.id,
      environment: 'live',
      name: 'Bot',
      keep: false,
    });
    const about = {
      orgId: a.organization.id,
      environment: 'live' as const,
      keyId: created.key.id,
      last4: created.secret.slice(-4),
    };
    await t.call('activity.reveal', about);
    await t.call('clipboard.copySecret', { secret: created.secret, about });
    expect(await t.clipboard.readText()).toBe(created.secret);
    const { entries } = await t.call('activity.list', {});
    expect(entries.slice(0, 2).map((e) => [e.action, e.keyId, e.last4])).toEqual([
      ['key.copy', created.key.id, created.secret.slice(-4)],
      ['key.reveal', created.key.id, created.secret.slice(-4)],
    ]);
    // A reference to an organization Keydeck does not have is refused; a last 4 that is more is refused.
    expect((await t.callErr('activity.reveal', { ...about, orgId: 'org_Missing000000' })).code).toBe('NOT_FOUND');
    expect((await t.callErr('activity.reveal', { ...about, last4: created.secret })).code).toBe('VALIDATION_FAILED');
    for (const text of t.files()) expect(text).not.toContain(created.secret);
  });
});
