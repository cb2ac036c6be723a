import type { Environment } from '../../shared/domain.js';
import type { KeyCache, QuotaEntry } from './store/key-cache.js';

/**
 * Call metering: what each provider answer counts against its organization-environment's day, and
 * the rate-limit headers it carried. Knows the key cache's quota entries and nothing of the core.
 */

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

/**
 * Counts each provider answer against its organization-environment's day. Injected into the core's
 * call context (CoreContext takes it as an interface), so the code that calls providers never imports
 * what meters them.
 */
export interface CallMeter {
  record(
    orgId: string,
    environment: Environment,
    status: number,
    headers: Record<string, string>,
    purpose?: 'identify',
  ): void;
}

/** The meter the app uses: each day's count (and the last rate-limit headers) in the key cache's quota entries. */
export function cacheMeter(cache: Pick<KeyCache, 'quota' | 'setQuota'>, clock: () => Date): CallMeter {
  return {
    record(orgId, environment, status, headers, purpose) {
      recordCall(cache, clock(), orgId, environment, status, headers, purpose);
    },
  };
}

function recordCall(
  cache: Pick<KeyCache, 'quota' | 'setQuota'>,
  now: Date,
  orgId: string,
  environment: Environment,
  status: number,
  headers: Record<string, string>,
  purpose?: 'identify',
): void {
  const day = utcDay(now);
  const previous = cache.quota(orgId, environment);
  const entry: QuotaEntry =
    previous && previous.day === day ? { ...previous } : { day, calls: 0, refused: 0, header: previous?.header };
  entry.calls += 1;
  if (purpose === 'identify') entry.identifying = (entry.identifying ?? 0) + 1;
  if (status === 429) entry.refused += 1;
  entry.header = parseRateLimit(status, headers, now) ?? entry.header;
  cache.setQuota(orgId, environment, entry);
}
