import { CHANNELS, type Channel } from '../../shared/contract.js';
import { registerAppIpc } from './app.js';
import { registerKeyIpc } from './keys.js';
import { registerOrgIpc } from './orgs.js';
import { registerRotationIpc } from './rotation.js';
import { registerUsageIpc } from './usage.js';
import type { IpcDeps } from './wrapper.js';

/**
 * Registers every contract channel, and fails at start if a channel of the contract has no
 * handler, so adding a call to the contract without wiring it cannot ship.
 */
export function registerIpc(deps: IpcDeps): void {
  const registered = new Set<string>();
  const tracking: IpcDeps = {
    ...deps,
    ipcMain: {
      handle: (channel, listener) => {
        registered.add(channel);
        deps.ipcMain.handle(channel, listener);
      },
    },
  };
  registerAppIpc(tracking);
  registerOrgIpc(tracking);
  registerKeyIpc(tracking);
  registerRotationIpc(tracking);
  registerUsageIpc(tracking);
  const missing = CHANNELS.filter((c: Channel) => !registered.has(c));
  if (missing.length > 0) throw new Error(`IPC channels without a handler: ${missing.join(', ')}`);
}
