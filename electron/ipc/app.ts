import { handle, type IpcDeps } from './wrapper.js';

/** App-level calls: version, transport, providers, the dashboard link, the clipboard. */
export function registerAppIpc(deps: IpcDeps): void {
  handle(deps, 'app.info');
  handle(deps, 'dashboard.open');
  handle(deps, 'clipboard.copySecret');
  handle(deps, 'vault.status');
  handle(deps, 'vault.useSession');
  handle(deps, 'store.status');
  handle(deps, 'store.recover');
  handle(deps, 'data.removeAll');
}
