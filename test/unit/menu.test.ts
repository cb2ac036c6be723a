import { describe, expect, it } from 'vitest';
import { DEVTOOLS_ROLES, menuTemplate, rolesIn } from '../../electron/app/menu.js';

describe('menuTemplate', () => {
  it.each(['linux', 'win32', 'darwin'] as const)(
    'packaged on %s: no role that reaches DevTools, anywhere in the tree',
    (platform) => {
      const roles = rolesIn(menuTemplate({ packaged: true, platform }));
      for (const role of DEVTOOLS_ROLES) expect(roles).not.toContain(role);
      expect(roles.map((r) => r.toLowerCase())).not.toContain('toggledevtools');
      // Reload would throw the window's state away; a user never needs it.
      expect(roles).not.toContain('reload');
      expect(roles).not.toContain('forceReload');
    },
  );

  it('packaged: still has File, Edit, View (zoom, full screen) and Window', () => {
    const template = menuTemplate({ packaged: true, platform: 'linux' });
    expect(template.map((item) => item.role ?? item.label)).toEqual(['fileMenu', 'editMenu', 'View', 'windowMenu']);
    expect(rolesIn(template)).toEqual(expect.arrayContaining(['resetZoom', 'zoomIn', 'zoomOut', 'togglefullscreen']));
  });

  it('development keeps Electron’s View menu (with DevTools)', () => {
    expect(rolesIn(menuTemplate({ packaged: false, platform: 'linux' }))).toContain('viewMenu');
  });

  it('macOS gets the app menu first, other platforms do not', () => {
    expect(menuTemplate({ packaged: true, platform: 'darwin' })[0]?.role).toBe('appMenu');
    expect(rolesIn(menuTemplate({ packaged: true, platform: 'win32' }))).not.toContain('appMenu');
  });

  it('rolesIn walks submenus', () => {
    expect(
      rolesIn([{ label: 'x', submenu: [{ role: 'copy' }, { label: 'y', submenu: [{ role: 'toggleDevTools' }] }] }]),
    ).toEqual(['copy', 'toggleDevTools']);
  });
});
