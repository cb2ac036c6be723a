import type { Environment } from '../../../shared/domain.js';
import type { QuotaView } from '../../../shared/usage.js';
import type { CoreContext } from '../context.js';
import type { QuotaEntry } from '../store/key-cache.js';

/** The UTC day of an instant (`YYYY-MM-DD`): providers count daily limits in UTC unless they say otherwise. */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

function nonNegativeInt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.split(',')[0]?.trim());
  return Number.isInteger(n) && n >= 0 && n < 1e12 ? n : undefined;
}

/**
 * Reads rate-limit headers: the common `X-RateLimit-Limit/Remaining/Reset` and the IETF draft's
 * `RateLimit-Limit/Remaining/Reset`, plus `Retry-After` on a 429. A reset that looks like an epoch
 * (seconds) is a time; a small number is seconds from now. Undefined when the answer carries none.
 */
export function parseRateLimit(status: number, headers: Record<string, string>, now: Date): QuotaEntry['header'] {
  const pick = (name: string) => headers[`x-ratelimit-${name}`] ?? headers[`ratelimit-${name}`];
  const limit = nonNegativeInt(pick('limit'));
  const remaining = nonNegativeInt(pick('remaining'));
  let reset = nonNegativeInt(pick('reset'));
  if (reset === undefined && status === 429) reset = nonNegativeInt(headers['retry-after']);
  if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
  const resetAt =
    reset === undefined
      ? undefined
      : new Date(reset > 1_000_000_000 ? reset * 1000 : now.getTime() + reset * 1000).toISOString();
  return { limit, remaining, resetAt, seenAt: now.toISOString() };
}

/** Counts one answer from a provider against an organization-environment's day (called by the HTTP client). */
export function recordCall(
  c: CoreContext,
  orgId: string,
  environment: Environment,
  status: number,
  headers: Record<string, string>,
  purpose?: 'identify',
): void {
  const now = c.deps.clock();
  const day = utcDay(now);
  const previous = c.cache.quota(orgId, environment);
  const entry: QuotaEntry =
    previous && previous.day === day ? { ...previous } : { day, calls: 0, refused: 0, header: previous?.header };
  entry.calls += 1;
  if (purpose === 'identify') entry.identifying = (entry.identifying ?? 0) + 1;
  if (status === 429) entry.refused += 1;
  entry.header = parseRateLimit(status, headers, now) ?? entry.header;
  c.cache.setQuota(orgId, environment, entry);
}

/** Quotas of every organization-environment (or one organization's) that has a limit or was called today. */
export function quotaViews(c: CoreContext, orgId: string | undefined): QuotaView[] {
  const doc = c.deps.meta.read();
  const now = c.deps.clock();
  const day = utcDay(now);
  const midnight = new Date(`${day}T00:00:00.000Z`).getTime() + 86_400_000;
  const views: QuotaView[] = [];
  const environments = c.adminEnvironments(doc, orgId);
  for (const org of doc.organizations) {
    if (orgId && org.id !== orgId) continue;
    const info = c.adapter(org).info;
    const envs = environments.get(org.id);
    for (const environment of (['live', 'test'] as const).filter((e) => envs?.has(e))) {
      const stored = c.cache.quota(org.id, environment);
      const today = stored?.day === day ? stored : undefined;
      const limit = info.dailyCallLimits?.[environment];
      // Headers describe a window; once it has reset (or a new day began) they no longer hold.
      const header =
        stored?.header &&
        (!stored.header.resetAt || Date.parse(stored.header.resetAt) > now.getTime()) &&
        stored.header.seenAt.slice(0, 10) === day
          ? stored.header
          : undefined;
      if (!today && !limit && !header) continue;
      const calls = today?.calls ?? 0;
      const remaining = header?.remaining ?? (limit === undefined ? undefined : Math.max(0, limit - calls));
      views.push({
        orgId: org.id,
        orgName: org.name,
        provider: org.provider,
        environment,
        calls,
        refused: today?.refused ?? 0,
        ...(today?.identifying ? { identifying: today.identifying } : {}),
        documentedDailyLimit: limit,
        header,
        remaining,
        resetsAt: header?.resetAt ?? new Date(midnight).toISOString(),
      });
    }
  }
  return views;
}
