import { afterEach, describe, expect, it } from 'vitest';
import { parseRateLimit, utcDay } from '../../electron/core/meter.js';
import { localDay, reminderText, reminderWhere } from '../../electron/core/usage/reminders.js';
import { scheduleReminders } from '../../electron/core/usage/reminder-schedule.js';
import { testWorkspace, type TestWorkspace } from './helpers/workspace.js';

const DAY = 86_400_000;

let t: TestWorkspace | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

/** A clock the test moves; the sandbox and the workspace share it. */
function movableClock(start: string) {
  let now = Date.parse(start);
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

describe('quotas: Keydeck meters its own calls', () => {
  it('counts calls to a Laghav test organization against its documented 100 a day, reads the headers, and starts again the next UTC day', async () => {
    const time = movableClock('2026-11-23T22:00:00Z');
    t = await testWorkspace({ sandboxDefaults: true, clock: time.clock });
    const lg = t.sandbox.laghav.seedOrg('Acme');
    const a = await t.call('orgs.connect', { key: lg.admin.test, name: 'Acme' });
    const orgId = a.organization.id;
    for (let i = 0; i < 4; i++) await t.call('keys.list', { orgId, environment: 'test' });

    const sandboxCalls = t.sandbox.laghav.calls.filter((c) => c.status !== undefined && c.keyId !== undefined).length;
    let { quotas } = await t.call('usage.quotas', { orgId });
    expect(quotas).toHaveLength(1);
    const q = quotas[0]!;
    // Every call the provider answered, connect's verification included, and nothing else.
    expect(q.calls).toBe(sandboxCalls);
    expect(q).toMatchObject({ environment: 'test', documentedDailyLimit: 100, refused: 0, header: { limit: 100 } });
    // The provider's own remaining figure, which matches the documented limit less Keydeck's calls.
    expect(q.remaining).toBe(100 - sandboxCalls);
    expect(q.resetsAt).toBe('2026-11-24T00:00:00.000Z');

    // Past the limit the provider refuses (429): counted as refused, nothing left.
    const caller = t.sandbox.laghav.keysOf(lg.org.id).find((k) => k.environment === 'test' && k.name.includes('admin'));
    caller!.usage.calls = 100;
    const refused = await t.callErr('keys.list', { orgId, environment: 'test' });
    expect(refused.code).toBe('PROVIDER_RATE_LIMITED');
    ({ quotas } = await t.call('usage.quotas', { orgId }));
    expect(quotas[0]).toMatchObject({ remaining: 0 });
    expect(quotas[0]!.refused).toBeGreaterThanOrEqual(1);

    // A new UTC day: the count starts again and yesterday's headers no longer hold.
    time.advance(3 * 3_600_000);
    ({ quotas } = await t.call('usage.quotas', { orgId }));
    expect(quotas[0]).toMatchObject({ calls: 0, refused: 0, remaining: 100 });
    expect(quotas[0]!.header).toBeUndefined();
    await t.call('keys.list', { orgId, environment: 'test' });
    ({ quotas } = await t.call('usage.quotas', { orgId }));
    expect(quotas[0]).toMatchObject({ calls: 1, remaining: 99 });
  });

  it('shows no quota for a live organization with no published limit and no headers, until Keydeck calls it', async () => {
    t = await testWorkspace({ sandboxDefaults: true });
    const sk = t.sandbox.skapi.seedOrg('Payments');
    const b = await t.call('orgs.connect', { key: sk.admin.live, name: 'Payments' });
    const { quotas } = await t.call('usage.quotas', {});
    // Connecting called it today, so the count shows, with no limit to measure against.
    expect(quotas).toEqual([
      expect.objectContaining({
        orgId: b.organization.id,
        environment: 'live',
        remaining: undefined,
        documentedDailyLimit: undefined,
      }),
    ]);
    expect(quotas[0]!.calls).toBeGreaterThan(0);
  });
});

describe('rate-limit headers', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('reads X-RateLimit-*, the IETF RateLimit-* and Retry-After on a 429', () => {
    expect(parseRateLimit(200, { 'x-ratelimit-limit': '100', 'x-ratelimit-remaining': '42' }, now)).toEqual({
      limit: 100,
      remaining: 42,
      resetAt: undefined,
      seenAt: now.toISOString(),
    });
    expect(
      parseRateLimit(200, { 'ratelimit-limit': '60', 'ratelimit-remaining': '0', 'ratelimit-reset': '30' }, now)
        ?.resetAt,
    ).toBe('2026-11-23T12:00:30.000Z');
    expect(
      parseRateLimit(200, { 'x-ratelimit-reset': String(Date.parse('2026-11-24T00:00:00Z') / 1000) }, now)?.resetAt,
    ).toBe('2026-11-24T00:00:00.000Z');
    expect(parseRateLimit(429, { 'retry-after': '120' }, now)?.resetAt).toBe('2026-11-23T12:02:00.000Z');
  });
  it('ignores what is absent or unreadable', () => {
    expect(parseRateLimit(200, {}, now)).toBeUndefined();
    expect(parseRateLimit(200, { 'retry-after': '5' }, now)).toBeUndefined();
    expect(parseRateLimit(200, { 'x-ratelimit-limit': 'lots', 'x-ratelimit-remaining': '-1' }, now)).toBeUndefined();
  });
  it('counts days in UTC', () => {
    expect(utcDay(new Date('2026-11-23T23:59:59.999Z'))).toBe('2026-11-23');
    expect(utcDay(new Date('2026-11-24T00:00:00.000Z'))).toBe('2026-11-24');
  });
});

describe('reminders', () => {
  async function seeded() {
    const time = movableClock('2026-11-23T09:00:00Z');
    t = await testWorkspace({ sandboxDefaults: true, clock: time.clock });
    const sk = t.sandbox.skapi.seedOrg('Payments', [
      { name: 'Old', environment: 'live' },
      { name: 'Quiet', environment: 'live' },
      { name: 'Fresh', environment: 'live' },
    ]);
    for (const k of t.sandbox.skapi.keysOf(sk.org.id)) {
      if (k.name === 'Old') k.createdAt = new Date(time.clock().getTime() - 120 * DAY).toISOString();
      if (k.name === 'Quiet') {
        k.createdAt = new Date(time.clock().getTime() - 60 * DAY).toISOString();
        k.lastUsedAt = new Date(time.clock().getTime() - 40 * DAY).toISOString();
      }
      if (k.name === 'Fresh') k.lastUsedAt = time.clock().toISOString();
    }
    const b = await t.call('orgs.connect', { key: sk.admin.live, name: 'Payments' });
    await t.call('keys.list', { orgId: b.organization.id, environment: 'live' });
    return { time, sk, orgId: b.organization.id };
  }

  it('reminds of each due or stale key once a day, again the next day, and never when turned off', async () => {
    const { time } = await seeded();
    const first = await t!.call('reminders.take', {});
    expect(first.enabled).toBe(true);
    expect(Object.fromEntries(first.reminders.map((r) => [r.name, r.reason]))).toEqual({ Old: 'due', Quiet: 'stale' });
    expect(first).toMatchObject({ due: 1, stale: 1, organizations: 1, places: ['Payments (LIVE)'], morePlaces: 0 });
    // Review shows exactly the keys counted: every one is named by reference.
    expect(first.keyRefs.sort()).toEqual(first.reminders.map((r) => `${r.orgId}:${r.environment}:${r.keyId}`).sort());
    expect(reminderText(first)).toEqual({
      title: 'Keydeck: 1 key due for rotation, 1 stale',
      body: 'In Payments (LIVE). Open Keydeck to review and rotate.',
    });

    // The same day: nothing new, however often the app looks.
    time.advance(6 * 3_600_000);
    expect((await t!.call('reminders.take', {})).reminders).toEqual([]);

    // The next day, the keys are still due and stale: one more reminder each.
    time.advance(DAY);
    const next = await t!.call('reminders.take', {});
    expect(next.reminders.map((r) => r.name).sort()).toEqual(['Old', 'Quiet']);

    // Turned off: nothing, and the setting survives (it is in the metadata).
    await t!.call('settings.update', { reminders: false });
    time.advance(DAY);
    expect(await t!.call('reminders.take', {})).toEqual({
      enabled: false,
      due: 0,
      stale: 0,
      reminders: [],
      organizations: 0,
      places: [],
      morePlaces: 0,
      keyRefs: [],
    });
    expect(await t!.call('settings.get', {})).toEqual({ settings: { reminders: false } });
    // Back on: reminded again (a day has passed).
    await t!.call('settings.update', { reminders: true });
    expect((await t!.call('reminders.take', {})).reminders).toHaveLength(2);
  });

  it('forgets a key once it is no longer due, so it is reminded the moment it becomes due again', async () => {
    const { orgId } = await seeded();
    await t!.call('reminders.take', {});
    // A looser policy: nothing is due or stale now.
    await t!.call('orgs.update', { orgId, policy: { rotateAfterDays: 365, staleAfterDays: 365 } });
    expect((await t!.call('reminders.take', {})).reminders).toEqual([]);
    // Tightened again the same day: due again, so reminded again.
    await t!.call('orgs.update', { orgId, policy: { rotateAfterDays: 90, staleAfterDays: 30 } });
    expect((await t!.call('reminders.take', {})).reminders.map((r) => r.name).sort()).toEqual(['Old', 'Quiet']);
  });

  it('keeps the once-a-day memory across a restart (it is written to the profile)', async () => {
    await seeded();
    await t!.call('reminders.take', {});
    await t!.ws.dispose();
    const cache = t!.files().find((f) => f.includes('"reminded"'));
    expect(cache).toBeDefined();
    expect(Object.keys(JSON.parse(cache!).reminded)).toHaveLength(2);
  });

  it("uses the person's own calendar day", () => {
    const d = new Date(2026, 10, 23, 23, 30);
    expect(localDay(d)).toBe('2026-11-23');
  });
});

describe('where the reminder says the keys are', () => {
  it.each([
    [{ organizations: 1, places: ['Acme (LIVE)'], morePlaces: 0 }, 'In Acme (LIVE)'],
    [{ organizations: 1, places: ['Acme (LIVE)', 'Acme (test)'], morePlaces: 0 }, 'In Acme (LIVE) and Acme (test)'],
    [
      { organizations: 3, places: ['A (LIVE)', 'B (LIVE)', 'C (test)'], morePlaces: 0 },
      'In A (LIVE), B (LIVE) and C (test)',
    ],
    [
      { organizations: 2, places: ['A (LIVE)', 'B (LIVE)', 'A (test)'], morePlaces: 1 },
      'In 2 organizations: A (LIVE), B (LIVE), A (test) and 1 more place',
    ],
    // Keys in a hundred organizations are never said to be in two or three.
    [
      { organizations: 100, places: ['Org 001 (LIVE)', 'Org 002 (LIVE)', 'Org 003 (LIVE)'], morePlaces: 197 },
      'In 100 organizations: Org 001 (LIVE), Org 002 (LIVE), Org 003 (LIVE) and 197 more places',
    ],
  ])('%o → %s', (r, text) => {
    expect(reminderWhere(r)).toBe(text);
    expect(reminderText({ ...r, due: 1, stale: 0 }).body).toBe(`${text}. Open Keydeck to review and rotate.`);
  });
});

describe("reminder schedule (the app's main process)", () => {
  it('shows one notification per non-empty batch and survives a failed look', async () => {
    const shown: { title: string; body: string }[] = [];
    const answers = [
      { ok: false as const, error: { code: 'STORE_ERROR' as const, message: 'x' } },
      {
        ok: true as const,
        value: {
          enabled: true,
          due: 2,
          stale: 0,
          reminders: [
            {
              orgId: 'o',
              orgName: 'Acme',
              environment: 'live' as const,
              keyId: 'k',
              name: 'n',
              masked: 'm',
              reason: 'due' as const,
            },
          ],
          organizations: 1,
          places: ['Acme (LIVE)'],
          morePlaces: 0,
          keyRefs: ['o:live:k'],
        },
      },
      {
        ok: true as const,
        value: {
          enabled: true,
          due: 0,
          stale: 0,
          reminders: [],
          organizations: 0,
          places: [],
          morePlaces: 0,
          keyRefs: [],
        },
      },
    ];
    const schedule = scheduleReminders({
      take: async () => answers.shift()!,
      notify: (n) => shown.push(n),
      firstDelayMs: 60_000,
      intervalMs: 60_000,
    });
    expect(await schedule.check()).toBe(false);
    expect(await schedule.check()).toBe(true);
    expect(await schedule.check()).toBe(false);
    schedule.stop();
    expect(shown).toEqual([
      { title: 'Keydeck: 2 keys due for rotation', body: 'In Acme (LIVE). Open Keydeck to review and rotate.' },
    ]);
  });
});
