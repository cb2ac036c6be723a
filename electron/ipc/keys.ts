import { handle, type IpcDeps } from './wrapper.js';

/** Key calls: list, create, revoke. */
export function registerKeyIpc(deps: IpcDeps): void {
  handle(deps, 'keys.list');
  handle(deps, 'keys.create');
  handle(deps, 'keys.revoke');
}
