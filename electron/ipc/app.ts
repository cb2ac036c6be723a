import { handle, type IpcDeps } from './wrapper.js';

/** App-level calls: version, transport, providers. */
export function registerAppIpc(deps: IpcDeps): void {
  handle(deps, 'app.info');
  handle(deps, 'clipboard.copySecret');
}
