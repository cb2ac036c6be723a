import type { MenuItemConstructorOptions } from 'electron';
import type { Result } from '../../shared/errors.js';
import { Settings, trayOn } from '../../shared/usage.js';

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

/** The core's one entry point, as the IPC layer sees it. */
export interface CallEntry {
  call(channel: unknown, input: unknown): Promise<Result<unknown>>;
}

/**
 * The core as handed to the IPC layer, telling main about every settings change that was saved
 * (so the tray appears or goes at once); every call still goes through the core unchanged.
 */
export function watchSettings(core: CallEntry, onSettings: (settings: Settings) => void): CallEntry {
  return {
    async call(channel, input) {
      const result = await core.call(channel, input);
      if (channel === 'settings.update' && result.ok) {
        const parsed = Settings.safeParse((result.value as { settings?: unknown } | null)?.settings);
        if (parsed.success) onSettings(parsed.data);
      }
      return result;
    },
  };
}
