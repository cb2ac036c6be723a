/**
 * Usage rows are computed per organization-environment and kept until the list, the organization's
 * name or policy, or the minute changes: a second overview after one list changed recomputes that one.
 */
import { describe, expect, it } from 'vitest';
import type { Output } from '../../shared/contract.js';
import { HttpClient } from '../../electron/core/http/client.js';
import { MemoryClipboard } from '../../electron/core/ports.js';
import { KeyCache, type CachedList } from '../../electron/core/store/key-cache.js';
import { MetaStore } from '../../electron/core/store/meta-store.js';
import { emptyDoc } from '../../electron/core/store/schema.js';
import { MemorySecretStore } from '../../electron/core/vault/memory-store.js';
import { createWorkspace } from '../../electron/core/workspace.js';

const silentLogger = { log: () => undefined };
const DAY = 86_400_000;
const ORG = (i: number) => `org_${String(i).padStart(8, '0')}`;

function setup() {
  let now = new Date('2026-03-01T12:00:10.000Z');
  const store: Record<string, unknown> = { ...emptyDoc() };
  const meta = new MetaStore({ store, path: '/dev/null' });
  const cache = new KeyCache();
  const ws = createWorkspace({
    secrets: new MemorySecretStore(),
    meta,
    cache,
    http: new HttpClient(),
    clipboard: new MemoryClipboard(),
    clock: () => now,
    logger: silentLogger,
    transport: 'preview',
    version: 'test',
    demo: false,
  });
  const list = (env: 'live' | 'test', createdDaysAgo: number): CachedList => ({
    fetchedAt: now.toISOString(),
    source: 'provider',
    environment: env,
    keys: Array.from({ length: 4 }, (_, i) => ({
      id: `key_${i}`,
      name: `Key ${i}`,
      masked: `lgh_${env}_••••100${i}`,
      environment: env,
      status: 'active' as const,
      isAdmin: false,
      createdAt: new Date(now.getTime() - (createdDaysAgo + i) * DAY).toISOString(),
      lastUsedAt: new Date(now.getTime() - DAY).toISOString(),
    })),
  });
  return {
    ws,
    meta,
    cache,
    list,
    setNow: (d: Date) => (now = d),
    now: () => now,
    async seed(orgs: number) {
      await meta.update((d) => {
        for (let o = 0; o < orgs; o++) {
          d.organizations.push({ id: ORG(o), provider: 'laghav', name: `Org ${o}`, createdAt: now.toISOString() });
          for (const env of ['live', 'test'] as const) {
            d.credentials.push({
              id: `cred_${String(o * 2 + (env === 'live' ? 0 : 1)).padStart(8, '0')}`,
              orgId: ORG(o),
              environment: env,
              label: 'admin',
              prefix: `lgh_${env}_`,
              last4: '9999',
              role: 'admin',
              createdAt: now.toISOString(),
            });
          }
        }
      });
      for (let o = 0; o < orgs; o++)
        for (const env of ['live', 'test'] as const) cache.set(ORG(o), env, list(env, 10 * o));
    },
  };
}

type Overview = Output<'usage.overview'>;

describe('usage rows, kept per organization-environment', () => {
  it('reuses the rows of unchanged lists and recomputes only the list that changed', async () => {
    const s = setup();
    await s.seed(3);
    const overview = () => s.ws.handlers['usage.overview']({}) as Promise<Overview>;
    const first = await overview();
    expect(first.rows).toHaveLength(24);
    const second = await overview();
    // The same row objects: nothing was recomputed.
    second.rows.forEach((r, i) => expect(r).toBe(first.rows[i]));
    expect(second.summary).toEqual(first.summary);

    s.cache.set(ORG(1), 'test', s.list('test', 200));
    const third = await overview();
    third.rows.forEach((r, i) => {
      if (r.orgId === ORG(1) && r.environment === 'test') expect(r).not.toBe(first.rows[i]);
      else expect(r).toBe(first.rows[i]);
    });
    expect(third.rows.filter((r) => r.orgId === ORG(1) && r.environment === 'test').every((r) => r.flags.due)).toBe(
      true,
    );
    expect(third.summary.due).toBe(first.summary.due + 4);

    // A policy change recomputes that organization only; a new name too.
    await s.meta.update((d) => {
      d.organizations[0]!.policy = { rotateAfterDays: 1, staleAfterDays: 1 };
      d.organizations[2]!.name = 'Renamed';
    });
    const fourth = await overview();
    fourth.rows.forEach((r, i) => {
      if (r.orgId === ORG(1)) expect(r).toBe(third.rows[i]);
      else expect(r).not.toBe(third.rows[i]);
    });
    expect(fourth.rows.filter((r) => r.orgId === ORG(0)).map((r) => r.flags.due)).toEqual([
      false,
      true,
      true,
      true,
      false,
      true,
      true,
      true,
    ]);
    expect(fourth.rows.filter((r) => r.orgId === ORG(2)).every((r) => r.orgName === 'Renamed')).toBe(true);

    // Flags depend on the time: a new minute recomputes, and days later keys become due.
    s.setNow(new Date(s.now().getTime() + 60_000));
    const fifth = await overview();
    fifth.rows.forEach((r, i) => expect(r).not.toBe(fourth.rows[i]));
    s.setNow(new Date(s.now().getTime() + 100 * DAY));
    expect((await overview()).summary.due).toBe(24);
  });

  it('filters by organization and environment, counts unlisted ones, and takes reminders from the flagged rows only', async () => {
    const s = setup();
    await s.seed(2);
    s.cache.forgetOrg(ORG(1));
    const all = (await s.ws.handlers['usage.overview']({})) as Overview;
    expect(all.summary).toMatchObject({ organizations: 2, keys: 8, unlisted: 2 });
    const one = (await s.ws.handlers['usage.overview']({ orgId: ORG(0), environment: 'test' })) as Overview;
    expect(one.rows.every((r) => r.orgId === ORG(0) && r.environment === 'test')).toBe(true);
    expect(one.rows).toHaveLength(4);

    s.cache.set(ORG(1), 'live', s.list('live', 365));
    const taken = (await s.ws.handlers['reminders.take']({})) as Output<'reminders.take'>;
    expect(taken).toMatchObject({ enabled: true, due: 4, stale: 0 });
    expect(taken.reminders.map((r) => r.keyId).sort()).toEqual(['key_0', 'key_1', 'key_2', 'key_3']);
    // Once a day: the same keys are not reminded again today.
    expect(await s.ws.handlers['reminders.take']({})).toMatchObject({ due: 0, reminders: [] });
    expect(Object.keys(s.cache.reminded())).toHaveLength(4);
  });
});
