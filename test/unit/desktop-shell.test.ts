import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import {
  aboutPanelOptions,
  DOCS_URL,
  isHelpUrl,
  problemReportUrl,
  PROJECT_URL,
  type ProblemFacts,
} from '../../electron/app/help.js';
import { menuTemplate, rolesIn, type HelpActions } from '../../electron/app/menu.js';
import { quitWhenAllWindowsClosed, trayMenuTemplate, wantsTray, watchSettings } from '../../electron/app/tray.js';
import { containsSecret, silentLogger } from '../../electron/core/log.js';
import { trayOn } from '../../shared/usage.js';

const PLATFORMS = ['linux', 'win32', 'darwin'] as const;

function actions() {
  return { openDocs: vi.fn(), showLogs: vi.fn(), reportProblem: vi.fn(), showAbout: vi.fn() } satisfies HelpActions;
}

/** The Help menu's items by label, each clicked through its template entry. */
function helpItems(template: MenuItemConstructorOptions[]) {
  const help = template.find((item) => item.label === 'Help');
  expect(help?.role).toBe('help');
  return (help?.submenu as MenuItemConstructorOptions[]).filter((item) => item.type !== 'separator');
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

describe('Help menu', () => {
  it.each(PLATFORMS)('on %s: documentation, logs folder, report a problem, each wired to its action', (platform) => {
    const a = actions();
    const items = helpItems(menuTemplate({ packaged: true, platform, help: a }));
    expect(items.slice(0, 3).map((i) => i.label)).toEqual([
      'Keydeck Documentation',
      'Show Logs Folder',
      'Report a Problem…',
    ]);
    click(items[0]);
    click(items[1]);
    click(items[2]);
    expect(a.openDocs).toHaveBeenCalledOnce();
    expect(a.showLogs).toHaveBeenCalledOnce();
    expect(a.reportProblem).toHaveBeenCalledOnce();
  });

  it.each(['linux', 'win32'] as const)(
    'on %s (no app menu): Help ends with About Keydeck, which shows the panel',
    (platform) => {
      const a = actions();
      const template = menuTemplate({ packaged: true, platform, help: a });
      const about = helpItems(template).at(-1);
      expect(about?.label).toBe('About Keydeck');
      click(about);
      expect(a.showAbout).toHaveBeenCalledOnce();
      expect(rolesIn(template)).not.toContain('appMenu');
    },
  );

  it('on macOS: About is in the app menu (its role), not repeated under Help', () => {
    const template = menuTemplate({ packaged: true, platform: 'darwin', help: actions() });
    expect(template[0]?.role).toBe('appMenu');
    expect(helpItems(template).map((i) => i.label)).not.toContain('About Keydeck');
  });

  it.each(PLATFORMS)('on %s the Help menu is last and adds no DevTools role, packaged', (platform) => {
    const template = menuTemplate({ packaged: true, platform, help: actions() });
    expect(template.at(-1)?.label).toBe('Help');
    expect(rolesIn(template)).not.toContain('toggleDevTools');
    expect(rolesIn(template)).not.toContain('viewMenu');
  });
});

describe('help links', () => {
  const facts: ProblemFacts = {
    version: '0.1.0',
    electron: '45.4.1',
    chrome: '142.0.7444.52',
    node: '22.20.0',
    platform: 'linux',
    arch: 'x64',
    osRelease: '6.8.0-45-generic',
  };

  it('the documentation and the report open on the project page only', () => {
    expect(isHelpUrl(DOCS_URL)).toBe(true);
    expect(isHelpUrl(problemReportUrl(facts))).toBe(true);
  });

  it.each([
    ['http', PROJECT_URL.replace('https:', 'http:')],
    ['another repository', 'https://github.com/keydeck/keydeck-evil/issues/new'],
    ['another host', 'https://github.com.evil.test/keydeck/keydeck'],
    ['credentials', PROJECT_URL.replace('https://', 'https://me:pw@')],
    ['a port', PROJECT_URL.replace('github.com', 'github.com:8443')],
    ['a file URL', 'file:///etc/passwd'],
    ['javascript', 'javascript:alert(1)'],
    ['not a string', { href: PROJECT_URL }],
    ['garbage', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(isHelpUrl(url)).toBe(false);
  });

  it('the report prefills version, OS and Electron, and nothing else', () => {
    const url = new URL(problemReportUrl(facts));
    expect(url.origin + url.pathname).toBe(`${PROJECT_URL}/issues/new`);
    const body = url.searchParams.get('body') ?? '';
    expect(body).toContain('Keydeck 0.1.0');
    expect(body).toContain('linux 6.8.0-45-generic (x64)');
    expect(body).toContain('Electron 45.4.1, Chrome 142.0.7444.52, Node 22.20.0');
    expect([...url.searchParams.keys()].sort()).toEqual(['body', 'labels']);
  });

  it('a fact is reduced to version-like characters, so nothing else can ride along', () => {
    const hostile = problemReportUrl({
      ...facts,
      osRelease: 'x\n- key lgh_live_S3cr3tS3cr3tS3cr3tS3cr3tAbCd https://evil.test/?q=1',
      version: '',
    });
    const body = new URL(hostile).searchParams.get('body') ?? '';
    expect(body).toContain('Keydeck unknown');
    expect(body).not.toContain('https://evil');
    expect(body).not.toMatch(/^- key/m);
    // Cut to 40 characters: never a whole key.
    expect(containsSecret(body)).toBe(false);
  });
});

describe('About panel', () => {
  it('names the app, its version, copyright, credits, website and icon', () => {
    expect(aboutPanelOptions({ version: '0.1.0', iconPath: '/opt/Keydeck/resources/icon.png', year: 2025 })).toEqual({
      applicationName: 'Keydeck',
      applicationVersion: '0.1.0',
      version: '',
      copyright: '© 2025 the Keydeck authors',
      credits: expect.stringContaining('OS keychain'),
      authors: ['The Keydeck authors'],
      website: PROJECT_URL,
      iconPath: '/opt/Keydeck/resources/icon.png',
    });
  });

  it('leaves the icon out when there is none (a development run before the icons are built)', () => {
    expect(aboutPanelOptions({ version: '0.1.0', year: 2025 })).not.toHaveProperty('iconPath');
  });
});

describe('tray', () => {
  it.each([
    ['linux', false, true],
    ['linux', true, false],
    ['win32', false, true],
    ['win32', true, false],
    ['darwin', false, false],
    ['darwin', true, false],
  ] as const)('on %s with the tray %s: quit when the last window closes = %s', (platform, tray, quits) => {
    expect(quitWhenAllWindowsClosed(platform, tray)).toBe(quits);
  });

  it('off by default on Linux (trays are unreliable there), on elsewhere; the person’s choice wins', () => {
    expect(trayOn({}, 'linux')).toBe(false);
    expect(trayOn({}, 'win32')).toBe(true);
    expect(trayOn({}, 'darwin')).toBe(true);
    expect(trayOn({ tray: true }, 'linux')).toBe(true);
    expect(trayOn({ tray: false }, 'win32')).toBe(false);
    expect(wantsTray(undefined, 'linux')).toBe(false);
    expect(wantsTray({ tray: true }, 'linux')).toBe(true);
  });

  it('its menu opens the window or quits', () => {
    const open = vi.fn();
    const quit = vi.fn();
    const items = trayMenuTemplate({ open, quit }).filter((i) => i.type !== 'separator');
    expect(items.map((i) => i.label)).toEqual(['Open Keydeck', 'Quit Keydeck']);
    click(items[0]);
    click(items[1]);
    expect(open).toHaveBeenCalledOnce();
    expect(quit).toHaveBeenCalledOnce();
  });
});

describe('the tray setting through the core', () => {
  async function workspace(store: Record<string, unknown>) {
    const { createWorkspace } = await import('../../electron/core/workspace.js');
    const { MetaStore } = await import('../../electron/core/store/meta-store.js');
    const { MemorySecretStore } = await import('../../electron/core/vault/memory-store.js');
    const { HttpClient } = await import('../../electron/core/http/client.js');
    const { MemoryClipboard, systemClock } = await import('../../electron/core/ports.js');
    const backend = { store, path: '/dev/null' };
    const ws = createWorkspace({
      secrets: new MemorySecretStore(),
      meta: new MetaStore(backend),
      http: new HttpClient(),
      clipboard: new MemoryClipboard(),
      clock: systemClock,
      logger: silentLogger,
      transport: 'electron',
      version: 'test',
      demo: false,
    });
    return { ws, backend };
  }

  it('a file from before the setting parses unchanged (no migration) and means the platform default', async () => {
    const { emptyDoc } = await import('../../electron/core/store/schema.js');
    const { ws } = await workspace({ ...emptyDoc(), settings: { reminders: false } });
    expect(await ws.call('settings.get', {})).toEqual({ ok: true, value: { settings: { reminders: false } } });
  });

  it('settings.update stores the choice next to reminders, and changes only what it is given', async () => {
    const { emptyDoc } = await import('../../electron/core/store/schema.js');
    const { ws, backend } = await workspace({ ...emptyDoc() });
    expect(await ws.call('settings.update', { tray: true })).toEqual({
      ok: true,
      value: { settings: { reminders: true, tray: true } },
    });
    expect(await ws.call('settings.update', { reminders: false })).toEqual({
      ok: true,
      value: { settings: { reminders: false, tray: true } },
    });
    expect((backend.store as { settings: unknown }).settings).toEqual({ reminders: false, tray: true });
    expect(await ws.call('settings.update', { tray: 'yes' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
  });
});

describe('watchSettings', () => {
  it('tells main about a saved settings change, and nothing else; answers pass through unchanged', async () => {
    const answers: Record<string, unknown> = {
      'settings.update': { ok: true, value: { settings: { reminders: true, tray: true } } },
      'settings.get': { ok: true, value: { settings: { reminders: true, tray: false } } },
      'orgs.list': { ok: true, value: { organizations: [] } },
    };
    const seen: unknown[] = [];
    const core = watchSettings({ call: async (channel) => answers[channel as string] as never }, (s) => seen.push(s));
    for (const channel of Object.keys(answers)) expect(await core.call(channel, {})).toBe(answers[channel]);
    expect(seen).toEqual([{ reminders: true, tray: true }]);
    const failing = watchSettings(
      { call: async () => ({ ok: false, error: { code: 'STORE_ERROR', message: 'x' } }) },
      (s) => seen.push(s),
    );
    await failing.call('settings.update', { tray: false });
    expect(seen).toHaveLength(1);
  });
});
