import { handle, type IpcDeps } from './wrapper.js';

/** Usage and activity calls, and the cached key lists they are built from. */
export function registerUsageIpc(deps: IpcDeps): void {
  handle(deps, 'keys.cached');
  handle(deps, 'usage.overview');
  handle(deps, 'activity.list');
}
