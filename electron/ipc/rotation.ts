import { handle, type IpcDeps } from './wrapper.js';

/** Rotation calls: list, get, start, act. */
export function registerRotationIpc(deps: IpcDeps): void {
  handle(deps, 'rotation.list');
  handle(deps, 'rotation.get');
  handle(deps, 'rotation.start');
  handle(deps, 'rotation.act');
  handle(deps, 'deploy.pickEnvFile');
}
