import type { Output, ParsedInput } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';

/** The clipboard: a secret copied by the core (cleared after the timeout if still there), and the copy recorded. */
export function clipboardHandlers(
  c: CoreContext,
  copySecret: (secret: string) => Promise<{ clearsAfterMs: number }>,
): HandlersOf<'clipboard'> {
  return {
    async 'clipboard.copySecret'(input: ParsedInput<'clipboard.copySecret'>): Promise<Output<'clipboard.copySecret'>> {
      const copied = await copySecret(input.secret);
      const about = input.about;
      if (about) {
        await c.deps.meta.update((doc) => {
          if (doc.organizations.some((o) => o.id === about.orgId))
            c.record(doc, {
              action: 'key.copy',
              orgId: about.orgId,
              environment: about.environment,
              keyId: about.keyId,
              last4: about.last4,
            });
        });
      }
      return copied;
    },
  };
}
