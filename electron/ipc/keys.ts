import { handle, type IpcDeps } from './wrapper.js';

/** Key calls: list, create, revoke, and the dashboard-guided adopt / check / confirm-revoked. */
export function registerKeyIpc(deps: IpcDeps): void {
  handle(deps, 'keys.list');
  handle(deps, 'keys.create');
  handle(deps, 'keys.revoke');
  handle(deps, 'keys.adopt');
  handle(deps, 'keys.check');
  handle(deps, 'keys.confirmRevoked');
}
