import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from '../../renderer/lib/format.js';
import { navigate, type Selection } from '../../renderer/lib/navigation.js';
import { nearLimit } from '../../renderer/lib/quota.js';
import { relativeTime } from '../../renderer/lib/relative.js';

// The renderer's pure helpers, under Node (the same Intl as Chromium's, from ICU).
describe('formatters built once', () => {
  it('formats dates as the per-call toLocale* did, and says "—" for nothing or garbage', () => {
    const iso = '2026-11-23T10:41:05.000Z';
    expect(formatDate(iso)).toBe(
      new Date(iso).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' }),
    );
    expect(formatDateTime(iso)).toBe(new Date(iso).toLocaleString());
    for (const bad of [undefined, '', 'not a date']) {
      expect(formatDate(bad)).toBe('—');
      expect(formatDateTime(bad)).toBeUndefined();
    }
  });

  it('says relative times in the largest whole unit', () => {
    const now = Date.parse('2026-11-23T12:00:00Z');
    const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
    expect(relativeTime('2026-11-20T12:00:00Z', now)).toBe(rtf.format(-3, 'day'));
    expect(relativeTime('2026-11-23T14:00:00Z', now)).toBe(rtf.format(2, 'hour'));
    expect(relativeTime('2026-11-23T11:59:50Z', now)).toBe(rtf.format(0, 'minute'));
    expect(relativeTime('2024-11-23T12:00:00Z', now)).toBe(rtf.format(-2, 'year'));
    expect(relativeTime(undefined, now)).toBe('—');
    expect(relativeTime('garbage', now)).toBe('—');
  });
});

describe('which quotas the overview lists before "Show all"', () => {
  const base = { refused: 0, calls: 0 };
  it.each([
    ['no known limit', { ...base, calls: 5000 }, false],
    ['69 of 100 documented', { ...base, calls: 69, documentedDailyLimit: 100 }, false],
    ['70 of 100 documented', { ...base, calls: 70, documentedDailyLimit: 100 }, true],
    [
      'the provider says 20 of 1000 remain',
      { ...base, calls: 3, header: { limit: 1000, seenAt: '' }, remaining: 20 },
      true,
    ],
    [
      'the provider says 900 of 1000 remain',
      { ...base, calls: 3, header: { limit: 1000, seenAt: '' }, remaining: 900 },
      false,
    ],
    ['a refusal (429) today, no limit known', { ...base, refused: 1 }, true],
  ])('%s', (_name, q, expected) => {
    expect(nearLimit(q)).toBe(expected);
  });
});

describe('navigation: one reducer for the sidebar, the shortcuts and the palette', () => {
  const start: Selection = { environment: 'live', view: 'overview', lastEnv: {} };
  const both = { id: 'org_a', environments: ['live', 'test'] as const };
  const testOnly = { id: 'org_b', environments: ['test'] as const };

  it('opens an organization on the environment it last showed, else the current one, else one it has', () => {
    expect(navigate(start, { type: 'org', orgId: 'org_a', org: both })).toMatchObject({
      orgId: 'org_a',
      view: 'org',
      environment: 'live',
      pinned: false,
    });
    const shownTest = navigate(navigate(start, { type: 'org', orgId: 'org_a', org: both }), {
      type: 'shown',
      orgId: 'org_a',
      environment: 'test',
      connected: true,
    });
    const away = navigate(shownTest, { type: 'view', view: 'activity' });
    expect(navigate(away, { type: 'org', orgId: 'org_a', org: both })).toMatchObject({
      environment: 'test',
      view: 'org',
    });
    expect(navigate(start, { type: 'org', orgId: 'org_b', org: testOnly })).toMatchObject({ environment: 'test' });
  });

  it('pins an environment chosen on purpose, for that organization only', () => {
    const pinned = navigate(navigate(start, { type: 'org', orgId: 'org_b', org: testOnly }), {
      type: 'env',
      environment: 'live',
    });
    expect(pinned).toMatchObject({ orgId: 'org_b', environment: 'live', pinned: true, view: 'org' });
    expect(navigate(pinned, { type: 'org', orgId: 'org_a', org: both }).pinned).toBe(false);
  });

  it('remembers the environment an organization opens on in the same move, so the screen has nothing to write back', () => {
    const opened = navigate(start, { type: 'org', orgId: 'org_a', org: both });
    expect(opened.lastEnv).toEqual({ org_a: 'live' });
    expect(navigate(opened, { type: 'shown', orgId: 'org_a', environment: 'live', connected: true })).toBe(opened);
  });

  it('answers the same state when what is shown is already the selection (no render loop)', () => {
    const s1 = navigate(start, { type: 'shown', orgId: 'org_a', environment: 'live', connected: true });
    expect(navigate(s1, { type: 'shown', orgId: 'org_a', environment: 'live', connected: true })).toBe(s1);
  });
});
