import type { Output } from '../../../shared/contract.js';
import type { Reminder } from '../../../shared/usage.js';
import type { CoreContext } from '../context.js';
import type { UsageRows } from './handlers.js';

/** The person's calendar day (`YYYY-MM-DD` in local time): "once a day" means once per their day. */
export function localDay(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Reminders list at most this many keys; the counts cover every one. */
const MAX_LISTED = 50;

/**
 * Keys due for rotation or stale that have not been reminded of today, marked as reminded. A key
 * that stays due is reminded again on a later day; one that is no longer due or stale is forgotten,
 * so it is reminded as soon as it becomes due again.
 */
export function takeReminders(c: CoreContext, collect: UsageRows): Output<'reminders.take'> {
  const doc = c.deps.meta.read();
  if (!doc.settings.reminders) return { enabled: false, due: 0, stale: 0, reminders: [] };
  const today = localDay(c.deps.clock());
  const reminded = c.cache.reminded();
  const flagged = new Set<string>();
  const fresh: Reminder[] = [];
  let changed = false;
  // Only the rows due or stale (kept per organization-environment): no pass over every key.
  for (const r of collect().flagged) {
    const ref = `${r.orgId}:${r.environment}:${r.key.id}`;
    flagged.add(ref);
    if (reminded[ref] === today) continue;
    reminded[ref] = today;
    changed = true;
    fresh.push({ orgId: r.orgId, orgName: r.orgName, environment: r.environment, keyId: r.key.id, name: r.key.name, masked: r.key.masked, reason: r.flags.due ? 'due' : 'stale' });
  }
  for (const ref of Object.keys(reminded)) {
    if (flagged.has(ref)) continue;
    delete reminded[ref];
    changed = true;
  }
  if (changed) c.cache.touch();
  return {
    enabled: true,
    due: fresh.filter((r) => r.reason === 'due').length,
    stale: fresh.filter((r) => r.reason === 'stale').length,
    reminders: fresh.sort((a, b) => (a.environment === b.environment ? 0 : a.environment === 'live' ? -1 : 1)).slice(0, MAX_LISTED),
  };
}

/** The notification's words: one line of counts, one of where. */
export function reminderText(r: Pick<Output<'reminders.take'>, 'due' | 'stale' | 'reminders'>): { title: string; body: string } {
  const parts = [r.due > 0 && `${r.due} key${r.due === 1 ? '' : 's'} due for rotation`, r.stale > 0 && `${r.stale} stale`].filter(Boolean);
  const orgs = [...new Set(r.reminders.map((x) => `${x.orgName} (${x.environment === 'live' ? 'LIVE' : 'test'})`))];
  const where = orgs.slice(0, 3).join(', ') + (orgs.length > 3 ? ` and ${orgs.length - 3} more` : '');
  return { title: `Keydeck: ${parts.join(', ')}`, body: `In ${where}. Open Keydeck to review and rotate.` };
}
