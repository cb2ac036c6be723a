import { handle, type IpcDeps } from './wrapper.js';

/** Organization calls: list, connect, connect another environment, remove. */
export function registerOrgIpc(deps: IpcDeps): void {
  handle(deps, 'orgs.list');
  handle(deps, 'orgs.connect');
  handle(deps, 'orgs.connectEnvironment');
  handle(deps, 'orgs.remove');
  handle(deps, 'orgs.update');
}
