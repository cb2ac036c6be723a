// query-core's QueryClient is the one react-query re-exports, without React's DOM types in the Node program.
import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/contract.js';
import { READS, STALE_AFTER, staleKeys } from '../../renderer/lib/calls-table.js';

// The renderer's one table of what each call makes stale (renderer/lib/calls.ts).
describe('which reads each call makes stale', () => {
  const channels = Object.keys(contract);

  it('covers every call of the contract, and names only reads', () => {
    expect(Object.keys(STALE_AFTER).sort()).toEqual([...channels].sort());
    for (const read of READS) expect(channels).toContain(read);
    for (const stale of Object.values(STALE_AFTER).flat()) expect(READS).toContain(stale);
  });

  it('makes every change mark something stale, except the ones that change nothing a read shows', () => {
    const changes = channels.filter((c) => !(READS as readonly string[]).includes(c));
    const changeNothingShown = ['dashboard.open', 'deploy.pickEnvFile', 'providers.check', 'providers.test'];
    for (const c of changes)
      if (!changeNothingShown.includes(c))
        expect(STALE_AFTER[c as keyof typeof STALE_AFTER].length, c).toBeGreaterThan(0);
  });

  it('refreshes what a key list feeds after a change to keys or rotations', () => {
    for (const c of [
      'keys.create',
      'keys.revoke',
      'keys.adopt',
      'keys.confirmRevoked',
      'rotation.start',
      'rotation.act',
      'orgs.remove',
    ] as const) {
      expect(STALE_AFTER[c]).toEqual(
        expect.arrayContaining(['keys.list', 'keys.cached', 'usage.overview', 'usage.quotas', 'activity.list']),
      );
    }
    expect(STALE_AFTER['orgs.update']).toEqual(expect.arrayContaining(['orgs.list', 'usage.overview']));
    expect(STALE_AFTER['settings.update']).toContain('settings.get');
  });
});

describe('a change to one organization makes only its lists stale', () => {
  const listOf = (orgId: string, environment: 'live' | 'test') => ['keys.cached', { orgId, environment }];
  const seeded = () => {
    const client = new QueryClient();
    for (const orgId of ['org_a', 'org_b'])
      for (const env of ['live', 'test'] as const) client.setQueryData(listOf(orgId, env), { list: null });
    client.setQueryData(['keys.list', { orgId: 'org_b', environment: 'live' }], { keys: [] });
    client.setQueryData(['usage.quotas', {}], { quotas: [] });
    return client;
  };
  const invalidated = (client: QueryClient, key: unknown[]) => client.getQueryState(key)?.isInvalidated;

  it("scopes the per-list reads to the organization acted on (TanStack Query's partial key match), and nothing else", async () => {
    const client = seeded();
    await Promise.all(
      staleKeys('keys.create', { orgId: 'org_a' }).map((queryKey) => client.invalidateQueries({ queryKey })),
    );
    expect(invalidated(client, listOf('org_a', 'live'))).toBe(true);
    expect(invalidated(client, listOf('org_a', 'test'))).toBe(true);
    expect(invalidated(client, listOf('org_b', 'live'))).toBe(false);
    expect(invalidated(client, ['keys.list', { orgId: 'org_b', environment: 'live' }])).toBe(false);
    // What is built from every list is still made stale as a whole.
    expect(invalidated(client, ['usage.quotas', {}])).toBe(true);
  });

  it('makes every list stale when the call names no organization (a rotation step, a new connection)', async () => {
    const client = seeded();
    await Promise.all(staleKeys('rotation.act', undefined).map((queryKey) => client.invalidateQueries({ queryKey })));
    for (const orgId of ['org_a', 'org_b']) expect(invalidated(client, listOf(orgId, 'test'))).toBe(true);
  });
});
