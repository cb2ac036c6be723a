import type { MenuItemConstructorOptions } from 'electron';

/** What the application menu depends on. */
export interface MenuContext {
  /** `app.isPackaged`: a build a user installed, where DevTools must not be reachable. */
  packaged: boolean;
  /** `process.platform`: macOS gets the app menu. */
  platform: NodeJS.Platform;
  /** What the Help menu does; without it (the tests of the other menus) there is no Help menu. */
  help?: HelpActions;
}

/** The Help menu's actions, done by main.ts (electron/app/help.ts builds the URLs and checks them). */
export interface HelpActions {
  /** Opens the README on the project page. */
  openDocs(): void;
  /** Shows Keydeck's logs folder in the file manager. */
  showLogs(): void;
  /** Opens a new issue with the app version, OS and Electron version filled in. */
  reportProblem(): void;
  /** Shows the About panel (`app.showAboutPanel`). */
  showAbout(): void;
}

/**
 * Help: documentation, logs, a problem report, and About where the platform has no app menu to hold
 * it (macOS's app menu role carries About Keydeck, which shows the same panel).
 */
export function helpMenu(platform: NodeJS.Platform, actions: HelpActions): MenuItemConstructorOptions {
  return {
    label: 'Help',
    role: 'help',
    submenu: [
      { label: 'Keydeck Documentation', click: () => actions.openDocs() },
      { label: 'Show Logs Folder', click: () => actions.showLogs() },
      { label: 'Report a Problem…', click: () => actions.reportProblem() },
      ...(platform === 'darwin'
        ? []
        : [{ type: 'separator' as const }, { label: 'About Keydeck', click: () => actions.showAbout() }]),
    ],
  };
}

/**
 * The application menu as a template (pure, tested in test/unit/menu.test.ts). Electron's `viewMenu`
 * role carries Toggle Developer Tools, so a packaged build gets its own View menu without it (and
 * without reload, which would only throw away the window's state); development keeps the role.
 */
export function menuTemplate({ packaged, platform, help }: MenuContext): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = packaged
    ? {
        label: 'View',
        submenu: [
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
        ],
      }
    : { role: 'viewMenu' };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
    ...(help ? [helpMenu(platform, help)] : []),
  ];
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
