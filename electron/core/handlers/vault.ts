import type { Output, ParsedInput } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';

/** The keychain: whether it can be used now, and session-only mode when there is none. */
export function vaultHandlers(c: CoreContext): HandlersOf<'vault'> {
  return {
    async 'vault.status'(input: ParsedInput<'vault.status'>): Promise<Output<'vault.status'>> {
      return c.vault.current(input.recheck ?? false);
    },
    async 'vault.useSession'(): Promise<Output<'vault.useSession'>> {
      return c.vault.useSession();
    },
  };
}
