import { CHANNELS } from '../../shared/contract.js';
import { handle, type IpcDeps } from './wrapper.js';

/**
 * Registers every contract channel, each through the one wrapper that checks the sender and hands
 * the raw input to the core's dispatch: a call added to the contract is registered by this loop.
 */
export function registerIpc(deps: IpcDeps): void {
  for (const channel of CHANNELS) handle(deps, channel);
}
