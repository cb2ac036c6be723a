import type { Output } from '../../../shared/contract.js';
import type { ProviderId } from '../../../shared/domain.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';

/** The app: which transport is serving, the keychain service in use, and the providers Keydeck supports. */
export function appHandlers(c: CoreContext): HandlersOf<'app'> {
  const { deps } = c;
  return {
    async 'app.info'(): Promise<Output<'app.info'>> {
      return {
        version: deps.version,
        transport: deps.transport,
        keychainService: deps.secrets.service,
        demo: deps.demo,
        providers: c.providers.infos(),
        sandboxProviders: Object.keys(deps.baseUrlOverrides ?? {}) as ProviderId[],
      };
    },
  };
}
