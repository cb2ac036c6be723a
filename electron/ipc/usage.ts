import { handle, type IpcDeps } from './wrapper.js';

/** Usage and activity calls, and the cached key lists they are built from. */
export function registerUsageIpc(deps: IpcDeps): void {
  handle(deps, 'keys.cached');
  handle(deps, 'usage.overview');
  handle(deps, 'activity.list');
  handle(deps, 'activity.reveal');
  handle(deps, 'activity.copied');
  handle(deps, 'usage.quotas');
  // In the app the main process shows reminders itself; the channel is there for the preview host's banner.
  handle(deps, 'reminders.take');
  handle(deps, 'settings.get');
  handle(deps, 'settings.update');
}
