import type { Output } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import { endSession } from '../credentials.js';
import type { HandlersOf } from '../dispatch.js';
import { recover } from '../recovery/rebuild.js';
import { storeStatus } from '../recovery/status.js';

/** The metadata file: whether it can be read, and recovery mode's rebuild from the keychain. */
export function storeHandlers(c: CoreContext): HandlersOf<'store'> {
  return {
    async 'store.status'(): Promise<Output<'store.status'>> {
      return storeStatus(c);
    },
    async 'store.recover'(): Promise<Output<'store.recover'>> {
      const report = await recover(c);
      // A rebuilt file may still list organizations of an old session-only session: they end now.
      await endSession(c);
      return report;
    },
  };
}
