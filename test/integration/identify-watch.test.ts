import { afterEach, describe, expect, it } from 'vitest';
import { WATCHES_PER_HOUR } from '../../electron/core/verify.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

/**
 * The sk-style last-use watch (identifying a key whose list entry has no last 4) costs calls: they
 * count against the organization-environment's day as "identifying", and the watch backs off
 * rather than spending the quota again and again on keys it cannot prove.
 */

let t: TestWorkspace;
afterEach(() => t.dispose());

describe('the sk-style last-use watch', () => {
  it('meters its calls as "identifying", and runs at most WATCHES_PER_HOUR times an hour per organization-environment', async () => {
    let now = Date.parse('2026-11-23T10:00:00.000Z');
    t = await testWorkspace({ sandboxDefaults: true, clock: () => new Date(now) });
    const seeded = t.sandbox.skapi.seedOrg('Watched', [{ name: 'Other', environment: 'live' }]);
    const c = await t.call('orgs.connect', { key: seeded.admin.live });
    const orgId = c.organization.id;
    // Last use reported late: no watch can prove anything, so each one is spent for nothing.
    t.sandbox.mode('skapi', { kind: 'late-last-use', afterRequests: 1000 });
    const identifying = async () => {
      const q = (await t.call('usage.quotas', { orgId })).quotas.find((x) => x.environment === 'live');
      return { identifying: q?.identifying ?? 0, calls: q?.calls ?? 0 };
    };
    const adopt = async (i: number) => {
      const minted = t.sandbox.skapi.mint(seeded.org.id, `Pasted ${i}`, 'live');
      await t.call('keys.adopt', { orgId, environment: 'live', key: minted.secret, name: `Pasted ${i}` });
    };

    expect((await identifying()).identifying).toBe(0);
    await adopt(0);
    const one = await identifying();
    // A list before and one per round with the watching key, and two calls with the key itself.
    expect(one.identifying).toBeGreaterThanOrEqual(8);
    expect(one.calls).toBeGreaterThan(one.identifying);

    for (let i = 1; i < WATCHES_PER_HOUR; i++) await adopt(i);
    const capped = await identifying();
    expect(capped.identifying).toBe(one.identifying * WATCHES_PER_HOUR);
    // More keys within the hour: verified and kept, not watched.
    await adopt(100);
    await adopt(101);
    expect((await identifying()).identifying).toBe(capped.identifying);

    // An hour later the watch may run again.
    now += 61 * 60_000;
    await adopt(200);
    expect((await identifying()).identifying).toBe(capped.identifying + one.identifying);
  });
});
