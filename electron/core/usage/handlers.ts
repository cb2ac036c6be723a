import type { Output, ParsedInput } from '../../../shared/contract.js';
import type { Environment } from '../../../shared/domain.js';
import { DEFAULT_POLICY, type UsageRow } from '../../../shared/usage.js';
import type { CoreContext } from '../context.js';
import { computeFlags } from './flags.js';
import { quotaViews } from './quota.js';
import { takeReminders } from './reminders.js';

/** Every key of every organization (or one) from the last lists, with its flags. */
export type UsageRows = () => { rows: UsageRow[]; organizations: number; unlisted: number; asOf: string | undefined };

function usageRows(c: CoreContext, orgId?: string, only?: Environment): ReturnType<UsageRows> {
  const doc = c.deps.meta.read();
  const now = c.deps.clock();
  const rows: UsageRow[] = [];
  let asOf: string | undefined;
  let unlisted = 0;
  const orgs = doc.organizations.filter((o) => !orgId || o.id === orgId);
  for (const org of orgs) {
    const info = c.adapter(org).info;
    const policy = org.policy ?? DEFAULT_POLICY;
    for (const environment of c.present(doc, org).environments) {
      if (only && environment !== only) continue;
      const list = c.cache.get(org.id, environment);
      if (!list) {
        unlisted++;
        continue;
      }
      if (!asOf || list.fetchedAt < asOf) asOf = list.fetchedAt;
      for (const key of list.keys) {
        // A held key Keydeck cannot match is one of the provider's rows already: count it once.
        if (key.unmatched) continue;
        rows.push({ orgId: org.id, orgName: org.name, provider: org.provider, environment, key, flags: computeFlags(key, policy, info.reportsLastUsed, now) });
      }
    }
  }
  return { rows, organizations: orgs.length, unlisted, asOf };
}

/** Usage, activity and policy calls: read from the metadata and the key cache, never from the network. */
export function usageHandlers(c: CoreContext) {
  return {
    async 'keys.cached'(input: ParsedInput<'keys.cached'>): Promise<Output<'keys.cached'>> {
      c.org(c.deps.meta.read(), input.orgId);
      return { list: c.cache.get(input.orgId, input.environment) ?? null };
    },

    /**
     * Every key of every organization (or one) from the last lists, with its flags and the counts
     * for the summary line. Organizations never listed yet are counted as such.
     */
    async 'usage.overview'(input: ParsedInput<'usage.overview'>): Promise<Output<'usage.overview'>> {
      const { rows, organizations, unlisted, asOf } = usageRows(c, input.orgId, input.environment);
      const count = (f: (r: UsageRow) => boolean) => rows.filter(f).length;
      return {
        rows,
        summary: {
          keys: rows.length,
          organizations,
          due: count((r) => r.flags.due),
          stale: count((r) => r.flags.stale),
          neverUsed: count((r) => r.flags.neverUsed),
          lastUsedUnknown: count((r) => r.flags.lastUsedUnknown && r.key.status !== 'revoked'),
          unlisted,
        },
        asOf: asOf ?? null,
      };
    },

    async 'usage.quotas'(input: ParsedInput<'usage.quotas'>): Promise<Output<'usage.quotas'>> {
      return { quotas: quotaViews(c, input.orgId) };
    },

    async 'reminders.take'(): Promise<Output<'reminders.take'>> {
      return takeReminders(c, () => usageRows(c));
    },

    async 'settings.get'(): Promise<Output<'settings.get'>> {
      return { settings: c.deps.meta.read().settings };
    },

    async 'settings.update'(input: ParsedInput<'settings.update'>): Promise<Output<'settings.update'>> {
      return c.deps.meta.update((doc) => {
        if (input.reminders !== undefined) doc.settings.reminders = input.reminders;
        if (input.tray !== undefined) doc.settings.tray = input.tray;
        return { settings: { ...doc.settings } };
      });
    },

    async 'activity.list'(input: ParsedInput<'activity.list'>): Promise<Output<'activity.list'>> {
      const doc = c.deps.meta.read();
      const names = new Map(doc.organizations.map((o) => [o.id, o.name]));
      const entries = doc.activity
        .filter((a) => (!input.orgId || a.orgId === input.orgId) && (!input.action || a.action === input.action))
        .slice(-input.limit)
        .reverse()
        .map((a) => ({ ...a, orgName: names.get(a.orgId) ?? '(removed organization)' }));
      return { entries };
    },

    async 'activity.reveal'(input: ParsedInput<'activity.reveal'>): Promise<Output<'activity.reveal'>> {
      await c.deps.meta.update((doc) => {
        c.org(doc, input.orgId);
        c.record(doc, { action: 'key.reveal', orgId: input.orgId, environment: input.environment, keyId: input.keyId, last4: input.last4 });
      });
      return {};
    },

    async 'orgs.update'(input: ParsedInput<'orgs.update'>): Promise<Output<'orgs.update'>> {
      return c.deps.meta.update((doc) => {
        const org = c.org(doc, input.orgId);
        if (input.name) org.name = input.name;
        if (input.policy) org.policy = input.policy;
        return { organization: c.present(doc, org) };
      });
    },
  };
}
