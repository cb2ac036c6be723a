import type { Output, ParsedInput } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';

/** Activity: the log of what was done, and the two things the window does with a key that Keydeck records (reveal, copy). */
export function activityHandlers(c: CoreContext): HandlersOf<'activity'> {
  /** A key shown or copied in the window: recorded against an organization that still exists (public facts only). */
  const recordKeyEvent = async (action: 'key.reveal' | 'key.copy', key: ParsedInput<'activity.reveal'>) => {
    await c.deps.meta.update((doc) => {
      c.org(doc, key.orgId);
      c.record(doc, { action, orgId: key.orgId, environment: key.environment, keyId: key.keyId, last4: key.last4 });
    });
    return {};
  };
  return {
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
      return recordKeyEvent('key.reveal', input);
    },

    async 'activity.copied'(input: ParsedInput<'activity.copied'>): Promise<Output<'activity.copied'>> {
      return recordKeyEvent('key.copy', input);
    },
  };
}
