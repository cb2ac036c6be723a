import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { Channel } from '../../shared/contract.js';
import type { Result } from '../../shared/errors.js';
import { isTrustedSender, type TrustedOrigins } from '../security.js';

/** What the IPC layer needs of the core: one validated entry point. */
export interface CoreEntry {
  call(channel: unknown, input: unknown): Promise<Result<unknown>>;
}

export interface IpcDeps {
  ipcMain: Pick<IpcMain, 'handle'>;
  core: CoreEntry;
  /** webContents ids of Keydeck's own windows. */
  windowIds: ReadonlySet<number>;
  trusted: TrustedOrigins;
}

/** Reads the sender facts off an Electron event without trusting any of them to exist. */
export function senderOf(event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>) {
  const frame = event.senderFrame;
  return {
    frameUrl: frame ? frame.url : null,
    isMainFrame: frame ? frame.parent === null : false,
    webContentsId: event.sender.id,
  };
}

/**
 * The one wrapper every IPC handler goes through: refuses an untrusted or null sender, then hands
 * the raw input to the core's dispatch, which parses it with the contract's schema. Registering a
 * channel is therefore one line and cannot skip a check.
 */
export function handle(deps: IpcDeps, channel: Channel): void {
  deps.ipcMain.handle(channel, async (event, input: unknown): Promise<Result<unknown>> => {
    if (!isTrustedSender(senderOf(event), deps.windowIds, deps.trusted)) {
      return {
        ok: false,
        error: { code: 'FORBIDDEN_SENDER', message: 'Refused: this call did not come from Keydeck’s own window.' },
      };
    }
    return deps.core.call(channel, input);
  });
}
