import { app, BrowserWindow, clipboard, dialog, ipcMain, Menu, Notification, protocol, session, shell, type WebContents } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import { HttpClient } from './core/http/client.js';
import { checkApiUrl, isLoopbackHost } from './core/http/url-policy.js';
import { fileLogger } from './core/node-workspace.js';
import { systemClock } from './core/ports.js';
import { KeyCache } from './core/store/key-cache.js';
import { lazyBackend, MetaStore } from './core/store/meta-store.js';
import { acquireProfileLock, ProfileLockedError, type ProfileLock } from './core/store/profile-lock.js';
import { KeytarSecretStore } from './core/vault/keytar-store.js';
import { scheduleReminders } from './core/usage/reminder-schedule.js';
import { createWorkspace } from './core/workspace.js';
import type { Output } from '../shared/contract.js';
import type { Result } from '../shared/errors.js';
import { ProviderId } from '../shared/domain.js';
import { registerIpc } from './ipc/index.js';
import { isAppUrl, type TrustedOrigins } from './security.js';
import { APP_ORIGIN, APP_SCHEME, APP_SCHEME_PRIVILEGES, APP_URL, serveAppRequest } from './app/protocol.js';
import { menuTemplate } from './app/menu.js';

// Thin glue: window, menu, lifecycle and wiring. Everything Keydeck does lives in core/.

/** `npm run demo` runs the app with its own profile folder and keychain service. */
const profileOverride = process.env.KEYDECK_PROFILE_DIR;
if (profileOverride) app.setPath('userData', profileOverride);
const keychainService = process.env.KEYDECK_KEYCHAIN_SERVICE || 'Keydeck';
/** The demo points providers at its loopback sandbox; honoured only in a demo profile and only for loopback. */
const sandbox = profileOverride ? parseSandboxUrls(process.env.KEYDECK_SANDBOX_URLS) : undefined;

/** The built renderer (electron-vite's out/renderer), served as app://keydeck/ (electron/app/protocol.ts). */
const rendererRoot = join(import.meta.dirname, '../renderer');
const trusted: TrustedOrigins = {
  appOrigin: APP_ORIGIN,
  devServerUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined,
};
// Before ready: a standard, secure scheme gives the page a real origin, so its module script loads
// with the file-protocol fuse off (ARCHITECTURE.md rule 11).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
const windowIds = new Set<number>();

// One Keydeck at a time: a second launch focuses the first and exits before touching anything.
// (Electron's lock covers the app only; the profile lock below also covers the preview host, the demo and scripts.)
if (!app.requestSingleInstanceLock()) app.exit(0);

/** Takes the profile lock, or says who holds it and quits (one Keydeck process per profile). */
function lockProfile(userData: string, meta: MetaStore): ProfileLock | undefined {
  try {
    return acquireProfileLock(userData, {
      kind: 'electron',
      onCompromised: (error) => {
        meta.refuseWrites(error.message);
        dialog.showErrorBox('Keydeck stopped saving', error.message);
      },
    });
  } catch (error) {
    const message = error instanceof ProfileLockedError ? error.message : `Keydeck could not lock its profile folder ${userData}: ${String(error)}`;
    console.error(message);
    dialog.showErrorBox('Keydeck is already using this profile', message);
    app.exit(1);
    return undefined;
  }
}

/** Keeps only known providers with loopback URLs from `{"<provider>":"http://127.0.0.1:…"}`. */
function loopbackOnly(value: unknown): Partial<Record<ProviderId, string>> {
  if (typeof value !== 'object' || value === null) return {};
  const entries = Object.entries(value as Record<string, unknown>).filter(([provider, url]) => {
    const checked = checkApiUrl(url);
    return ProviderId.safeParse(provider).success && checked.ok && isLoopbackHost(checked.url.hostname);
  });
  return Object.fromEntries(entries) as Partial<Record<ProviderId, string>>;
}

/** Parses the demo's `{"api":{…},"dashboard":{…}}`. */
function parseSandboxUrls(raw: string | undefined) {
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { api?: unknown; dashboard?: unknown };
    return { api: loopbackOnly(parsed.api), dashboard: loopbackOnly(parsed.dashboard) };
  } catch {
    return undefined;
  }
}

/** Denies everything a hostile page could ask for: navigation, new windows, permissions, webviews. */
function lockDown(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, trusted)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, trusted)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  // devTools is off in a packaged build; should anything still open them, close them at once.
  if (app.isPackaged) contents.on('devtools-opened', () => contents.closeDevTools());
}

/** The app:// handler: the pure decision in app/protocol.ts, turned into a Response. */
async function appProtocolResponse(request: Request): Promise<Response> {
  const answer = await serveAppRequest({ url: request.url, method: request.method }, rendererRoot);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Keydeck',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !app.isPackaged,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  windowIds.add(win.webContents.id);
  const id = win.webContents.id;
  win.on('closed', () => windowIds.delete(id));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(trusted.devServerUrl ?? APP_URL);
  return win;
}

void app.whenReady().then(() => {
  protocol.handle(APP_SCHEME, appProtocolResponse);
  const userData = app.getPath('userData');
  // Built on first use, so a damaged file opens recovery mode instead of failing the start (and
  // nothing is read before the profile lock is taken).
  const backend = lazyBackend(join(userData, 'metadata.json'), () => new Store<Record<string, unknown>>({ name: 'metadata', clearInvalidConfig: false, configFileMode: 0o600 }));
  const meta = new MetaStore(backend);
  const profileLock = lockProfile(userData, meta);
  if (!profileLock) return;
  const workspace = createWorkspace({
    secrets: new KeytarSecretStore(keychainService),
    meta,
    cache: new KeyCache(new Store<Record<string, unknown>>({ name: 'cache', clearInvalidConfig: true, configFileMode: 0o600 })),
    http: new HttpClient({ userAgent: `Keydeck/${app.getVersion()}` }),
    clipboard: { writeText: (t) => clipboard.writeText(t), readText: () => clipboard.readText(), clear: async () => clipboard.clear() },
    clock: systemClock,
    logger: fileLogger(userData),
    transport: 'electron',
    version: app.getVersion(),
    demo: Boolean(profileOverride),
    baseUrlOverrides: sandbox?.api,
    dashboardUrlOverrides: sandbox?.dashboard,
    // Only URLs the core checked against the provider's hosts (or loopback) reach this.
    openExternal: (url) => shell.openExternal(url),
    pickEnvFile: async (suggestedName) => {
      const owner = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
      const options = { title: 'Choose the .env file for the new key', defaultPath: suggestedName, properties: ['showOverwriteConfirmation' as const], buttonLabel: 'Use this file' };
      const picked = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
      return picked.canceled ? undefined : picked.filePath;
    },
  });
  registerIpc({ ipcMain, core: workspace, windowIds, trusted });

  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => lockDown(contents));
  let disposed = false;
  app.on('before-quit', (event) => {
    if (disposed) return;
    // Clear a secret Keydeck put on the clipboard before the process goes.
    event.preventDefault();
    disposed = true;
    void workspace.dispose().finally(() => {
      meta.refuseWrites('Keydeck is quitting.');
      profileLock.release();
      app.quit();
    });
  });

  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ packaged: app.isPackaged, platform: process.platform })));

  let main = createWindow();
  app.on('second-instance', () => {
    if (main.isMinimized()) main.restore();
    main.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) main = createWindow();
  });

  // Keys that became due or stale: one system notification per batch, each key at most once a day
  // (the core remembers), none when the person turned reminders off in Settings.
  const reminders = scheduleReminders({
    take: () => workspace.call('reminders.take', {}) as Promise<Result<Output<'reminders.take'>>>,
    notify: ({ title, body }) => {
      if (!Notification.isSupported()) return;
      const notification = new Notification({ title, body });
      notification.on('click', () => {
        if (main.isDestroyed()) main = createWindow();
        if (main.isMinimized()) main.restore();
        main.show();
        main.focus();
      });
      notification.show();
    },
  });
  app.on('will-quit', () => reminders.stop());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
