import type { MenuItemConstructorOptions } from 'electron';
import { trayOn, type Settings } from '../../shared/usage.js';

/**
 * Whether the app quits when its last window closes. macOS keeps apps running (the dock); elsewhere
 * Keydeck stays only in the tray, when the person turned the tray on, so reminders keep firing.
 */
export function quitWhenAllWindowsClosed(platform: NodeJS.Platform, trayEnabled: boolean): boolean {
  return platform !== 'darwin' && !trayEnabled;
}

/** Whether the tray icon should be shown for these settings on this platform (absent: the platform's default). */
export function wantsTray(settings: Pick<Settings, 'tray'> | undefined, platform: NodeJS.Platform): boolean {
  return trayOn(settings ?? {}, platform);
}

/** The tray icon's menu: bring the window back, or quit for real. */
export function trayMenuTemplate(actions: { open(): void; quit(): void }): MenuItemConstructorOptions[] {
  return [
    { label: 'Open Keydeck', click: () => actions.open() },
    { type: 'separator' },
    { label: 'Quit Keydeck', click: () => actions.quit() },
  ];
}
