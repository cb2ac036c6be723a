import { describe, expect, it } from 'vitest';
import { computeFlags } from '../../shared/flags.js';
import { DEFAULT_POLICY } from '../../shared/usage.js';

const at = (iso: string) => new Date(iso);
const policy = DEFAULT_POLICY;

describe('computeFlags (injected clock)', () => {
  it('a fresh, used key has no flags', () => {
    expect(
      computeFlags(
        { createdAt: '2026-11-01T00:00:00Z', lastUsedAt: '2026-11-22T00:00:00Z', status: 'active' },
        policy,
        true,
        at('2026-11-23T12:00:00Z'),
      ),
    ).toEqual({
      ageDays: 22,
      due: false,
      stale: false,
      neverUsed: false,
      lastUsedUnknown: false,
      clockSkew: false,
    });
  });

  it('is due exactly at the rotation policy, not a millisecond before', () => {
    const key = { createdAt: '2026-08-25T12:00:00Z', status: 'active' };
    expect(computeFlags(key, policy, false, at('2026-11-23T11:59:59.999Z')).due).toBe(false);
    expect(computeFlags(key, policy, false, at('2026-11-23T12:00:00Z')).due).toBe(true);
  });

  it('is stale after the window without use; a never-used key counts from creation', () => {
    expect(
      computeFlags(
        { createdAt: '2026-01-01T00:00:00Z', lastUsedAt: '2026-10-24T00:00:00Z', status: 'active' },
        policy,
        true,
        at('2026-11-23T00:00:00Z'),
      ).stale,
    ).toBe(true);
    expect(
      computeFlags(
        { createdAt: '2026-01-01T00:00:00Z', lastUsedAt: '2026-10-25T00:00:01Z', status: 'active' },
        policy,
        true,
        at('2026-11-23T00:00:00Z'),
      ).stale,
    ).toBe(false);
    const never = computeFlags(
      { createdAt: '2026-11-20T00:00:00Z', status: 'active' },
      policy,
      true,
      at('2026-11-23T00:00:00Z'),
    );
    expect(never).toMatchObject({ neverUsed: true, stale: false });
    expect(
      computeFlags({ createdAt: '2026-10-01T00:00:00Z', status: 'active' }, policy, true, at('2026-11-23T00:00:00Z')),
    ).toMatchObject({ neverUsed: true, stale: true });
  });

  it('says "unknown" where the provider does not report last use, and never calls such a key stale or unused', () => {
    expect(
      computeFlags({ createdAt: '2020-01-01T00:00:00Z', status: 'active' }, policy, false, at('2026-11-23T00:00:00Z')),
    ).toMatchObject({
      lastUsedUnknown: true,
      stale: false,
      neverUsed: false,
      due: true,
    });
  });

  it('does not flag revoked or expired keys as due or stale', () => {
    for (const status of ['revoked', 'expired']) {
      expect(
        computeFlags({ createdAt: '2020-01-01T00:00:00Z', status }, policy, true, at('2026-11-23T00:00:00Z')),
      ).toMatchObject({ due: false, stale: false, neverUsed: false });
    }
  });

  it('counts elapsed days across a daylight-saving change, whatever the local time zone', () => {
    // New York springs forward on 2026-03-08 (a 23-hour local day); Sydney falls back on 2026-04-05.
    const created = { createdAt: '2026-03-07T17:00:00-05:00', status: 'active' };
    expect(computeFlags(created, policy, false, at('2026-03-09T17:00:00-04:00')).ageDays).toBe(1);
    expect(computeFlags(created, policy, false, at('2026-03-09T18:00:00-04:00')).ageDays).toBe(2);
    const sydney = { createdAt: '2026-04-04T12:00:00+11:00', status: 'active' };
    expect(computeFlags(sydney, policy, false, at('2026-04-05T12:00:00+10:00')).ageDays).toBe(1);
    // The same instants written in different offsets give the same answer.
    expect(
      computeFlags(
        { createdAt: '2026-08-25T12:00:00Z', status: 'active' },
        policy,
        false,
        at('2026-11-23T21:00:00+09:00'),
      ).due,
    ).toBe(true);
  });

  it('a key created "in the future" by a skewed provider clock is age 0, flagged, and never hides as fresh-but-stale', () => {
    const f = computeFlags(
      { createdAt: '2026-11-24T00:00:00Z', lastUsedAt: '2026-11-25T00:00:00Z', status: 'active' },
      policy,
      true,
      at('2026-11-23T00:00:00Z'),
    );
    expect(f).toMatchObject({ ageDays: 0, clockSkew: true, due: false, stale: false, neverUsed: false });
  });

  it('ignores unreadable dates', () => {
    expect(
      computeFlags({ createdAt: 'yesterday', status: 'active' }, policy, true, at('2026-11-23T00:00:00Z')),
    ).toMatchObject({ ageDays: undefined, due: false, stale: false });
  });
});
