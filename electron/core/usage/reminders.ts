import type { Output } from '../../../shared/contract.js';
import type { Reminder } from '../../../shared/usage.js';
import { reminderWhere } from '../../../shared/plain.js';
import type { CoreContext } from '../context.js';
import type { UsageRows } from './rows.js';

export { reminderWhere };

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
  if (!doc.settings.reminders)
    return {
      enabled: false,
      due: 0,
      stale: 0,
      reminders: [],
      organizations: 0,
      places: [],
      morePlaces: 0,
      keyRefs: [],
    };
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
    fresh.push({
      orgId: r.orgId,
      orgName: r.orgName,
      environment: r.environment,
      keyId: r.key.id,
      name: r.key.name,
      masked: r.key.masked,
      reason: r.flags.due ? 'due' : 'stale',
    });
  }
  for (const ref of Object.keys(reminded)) {
    if (flagged.has(ref)) continue;
    delete reminded[ref];
    changed = true;
  }
  if (changed) c.cache.touch();
  const sorted = fresh.sort((a, b) => (a.environment === b.environment ? 0 : a.environment === 'live' ? -1 : 1));
  const places = [...new Set(sorted.map(place))];
  return {
    enabled: true,
    due: fresh.filter((r) => r.reason === 'due').length,
    stale: fresh.filter((r) => r.reason === 'stale').length,
    reminders: sorted.slice(0, MAX_LISTED),
    organizations: new Set(fresh.map((r) => r.orgId)).size,
    places: places.slice(0, 3),
    morePlaces: Math.max(0, places.length - 3),
    keyRefs: fresh.map((r) => `${r.orgId}:${r.environment}:${r.keyId}`),
  };
}

const place = (r: Pick<Reminder, 'orgName' | 'environment'>) =>
  `${r.orgName} (${r.environment === 'live' ? 'LIVE' : 'test'})`;

/** The notification's words: one line of counts, one of where. */
export function reminderText(
  r: Pick<Output<'reminders.take'>, 'due' | 'stale' | 'organizations' | 'places' | 'morePlaces'>,
): { title: string; body: string } {
  const parts = [
    r.due > 0 && `${r.due.toLocaleString('en-US')} key${r.due === 1 ? '' : 's'} due for rotation`,
    r.stale > 0 && `${r.stale.toLocaleString('en-US')} stale`,
  ].filter(Boolean);
  return { title: `Keydeck: ${parts.join(', ')}`, body: `${reminderWhere(r)}. Open Keydeck to review and rotate.` };
}
