import type { QuotaView } from '../../../shared/usage.js';
import type { CoreContext } from '../context.js';
import { utcDay } from '../meter.js';

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
