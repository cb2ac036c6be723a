import { describe, expect, it } from 'vitest';
import { contract } from '../../shared/contract.js';
import { READS, STALE_AFTER } from '../../renderer/lib/calls-table.js';

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
    const changeNothingShown = ['dashboard.open', 'deploy.pickEnvFile'];
    for (const c of changes) if (!changeNothingShown.includes(c)) expect(STALE_AFTER[c as keyof typeof STALE_AFTER].length, c).toBeGreaterThan(0);
  });

  it('refreshes what a key list feeds after a change to keys or rotations', () => {
    for (const c of ['keys.create', 'keys.revoke', 'keys.adopt', 'keys.confirmRevoked', 'rotation.start', 'rotation.act', 'orgs.remove'] as const) {
      expect(STALE_AFTER[c]).toEqual(expect.arrayContaining(['keys.list', 'keys.cached', 'usage.overview', 'usage.quotas', 'activity.list']));
    }
    expect(STALE_AFTER['orgs.update']).toEqual(expect.arrayContaining(['orgs.list', 'usage.overview']));
    expect(STALE_AFTER['settings.update']).toContain('settings.get');
  });
});
