import type { MenuItemConstructorOptions } from 'electron';

/** What the application menu depends on. */
export interface MenuContext {
  /** `app.isPackaged`: a build a user installed, where DevTools must not be reachable. */
  packaged: boolean;
  /** `process.platform`: macOS gets the app menu. */
  platform: NodeJS.Platform;
}

/**
 * The application menu as a template (pure, tested in test/unit/menu.test.ts). Electron's `viewMenu`
 * role carries Toggle Developer Tools, so a packaged build gets its own View menu without it (and
 * without reload, which would only throw away the window's state); development keeps the role.
 */
export function menuTemplate({ packaged, platform }: MenuContext): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = packaged
    ? {
        label: 'View',
        submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
      }
    : { role: 'viewMenu' };
  return [...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []), { role: 'fileMenu' }, { role: 'editMenu' }, view, { role: 'windowMenu' }];
}

/** Roles that are (or whose submenu holds) Toggle Developer Tools: none may appear in a packaged build. */
export const DEVTOOLS_ROLES = ['toggleDevTools', 'viewMenu'] as const;

/** Every role in a template, submenus included (for the tests and the packaged-build check). */
export function rolesIn(template: readonly MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? rolesIn(item.submenu as MenuItemConstructorOptions[]) : []),
  ]);
}
