import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkApiUrl, checkDashboardUrl, hostMatches } from '../../electron/core/http/url-policy.js';
import {
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  isTrustedSender,
  META_CONTENT_SECURITY_POLICY,
  type TrustedOrigins,
} from '../../electron/security.js';
import { APP_ORIGIN } from '../../electron/app/protocol.js';
import { isAllowedUpgrade } from '../../electron/preview/host.js';

const trusted: TrustedOrigins = { appFileUrl: 'file:///opt/Keydeck/resources/app.asar/out/renderer/index.html' };
const app = trusted.appFileUrl;

describe('isAppUrl', () => {
  it.each([
    [app, true],
    [`${app}#/keys`, true],
    ['file:///etc/passwd', false],
    ['file:///opt/Keydeck/resources/app.asar/out/renderer/other.html', false],
    ['https://evil.example/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['http://localhost:5173/', false],
    // The same path on another host: a file share, not the bundled page.
    ['file://evil-host/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file://evil-host/opt/Keydeck/resources/app.asar/out/renderer/index.html#/keys', false],
    ['FILE://EVIL-HOST/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file://127.0.0.1/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file://[::1]/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file://%65vil/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file://evil-host:445/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file:\\\\evil-host\\opt\\Keydeck\\resources\\app.asar\\out\\renderer\\index.html', false],
    ['file:////evil-host/opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    ['file://evil-host//opt/Keydeck/resources/app.asar/out/renderer/index.html', false],
    // `localhost` is the empty host in a file URL (WHATWG), so this is the same local file.
    ['file://localhost/opt/Keydeck/resources/app.asar/out/renderer/index.html', true],
    ['', false],
    [null, false],
    [42, false],
  ])('%s → %s', (url, expected) => {
    expect(isAppUrl(url, trusted)).toBe(expected);
  });

  it('an app installed on a share (file://server/…) accepts its own host only', () => {
    const unc: TrustedOrigins = { appFileUrl: 'file://server/share/Keydeck/out/renderer/index.html' };
    expect(isAppUrl('file://server/share/Keydeck/out/renderer/index.html', unc)).toBe(true);
    expect(isAppUrl('file:///share/Keydeck/out/renderer/index.html', unc)).toBe(false);
    expect(isAppUrl('file://evil-host/share/Keydeck/out/renderer/index.html', unc)).toBe(false);
  });

  it('accepts the dev server only when configured', () => {
    expect(isAppUrl('http://localhost:5173/', { ...trusted, devServerUrl: 'http://localhost:5173' })).toBe(true);
    expect(isAppUrl('http://localhost:5174/', { ...trusted, devServerUrl: 'http://localhost:5173' })).toBe(false);
  });
});

describe('isAppUrl keyed to the app:// origin (what main.ts uses)', () => {
  const appTrusted: TrustedOrigins = { appOrigin: APP_ORIGIN };
  it.each([
    ['app://keydeck/', true],
    ['app://keydeck', true],
    ['app://keydeck/#/keys', true],
    ['app://keydeck/index.html?x=1', true],
    ['app://keydeck/assets/index-abc.js', true],
    ['app://evil/', false],
    ['app://keydeck.evil/', false],
    ['app://evil.keydeck/', false],
    ['app://keydeck:8080/', false],
    ['app://keydeck@evil/', false],
    ['app://user:pw@keydeck/', false],
    ['app://KEYDECK/', false],
    ['app:///', false],
    ['app:keydeck', false],
    ['app:/keydeck/', false],
    ['apps://keydeck/', false],
    ['https://keydeck/', false],
    ['http://keydeck/', false],
    // The bundled file is not the app any more: the page is only ever served over app://.
    [app, false],
    ['file:///etc/passwd', false],
    ['http://localhost:5173/', false],
    ['javascript:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['blob:app://keydeck/1234', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (url, expected) => {
    expect(isAppUrl(url, appTrusted)).toBe(expected);
  });

  it('development: the dev server as well, never a look-alike', () => {
    const dev: TrustedOrigins = { appOrigin: APP_ORIGIN, devServerUrl: 'http://localhost:5173' };
    expect(isAppUrl('http://localhost:5173/', dev)).toBe(true);
    expect(isAppUrl('app://keydeck/', dev)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false);
    expect(isAppUrl('http://localhost.evil:5173/', dev)).toBe(false);
    expect(isAppUrl('app://evil/', dev)).toBe(false);
  });

  it('an IPC sender is trusted only as the main frame of our window on app://keydeck', () => {
    const ids = new Set([7]);
    const appTrusted: TrustedOrigins = { appOrigin: APP_ORIGIN };
    expect(isTrustedSender({ frameUrl: 'app://keydeck/', isMainFrame: true, webContentsId: 7 }, ids, appTrusted)).toBe(
      true,
    );
    expect(isTrustedSender({ frameUrl: 'app://keydeck/', isMainFrame: false, webContentsId: 7 }, ids, appTrusted)).toBe(
      false,
    );
    expect(isTrustedSender({ frameUrl: 'app://keydeck/', isMainFrame: true, webContentsId: 8 }, ids, appTrusted)).toBe(
      false,
    );
    expect(isTrustedSender({ frameUrl: null, isMainFrame: true, webContentsId: 7 }, ids, appTrusted)).toBe(false);
    expect(isTrustedSender({ frameUrl: 'app://evil/', isMainFrame: true, webContentsId: 7 }, ids, appTrusted)).toBe(
      false,
    );
    expect(isTrustedSender({ frameUrl: app, isMainFrame: true, webContentsId: 7 }, ids, appTrusted)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const ids = new Set([7]);
  it.each([
    ['the main frame of our window', { frameUrl: app, isMainFrame: true, webContentsId: 7 }, true],
    [
      'a null senderFrame (navigated away or destroyed)',
      { frameUrl: null, isMainFrame: true, webContentsId: 7 },
      false,
    ],
    ['an undefined frame', { frameUrl: undefined, isMainFrame: true, webContentsId: 7 }, false],
    ['a subframe', { frameUrl: app, isMainFrame: false, webContentsId: 7 }, false],
    ['another webContents', { frameUrl: app, isMainFrame: true, webContentsId: 8 }, false],
    ['a foreign page in our window', { frameUrl: 'https://evil.example/', isMainFrame: true, webContentsId: 7 }, false],
  ])('%s', (_name, sender, expected) => {
    expect(isTrustedSender(sender, ids, trusted)).toBe(expected);
  });
});

describe('checkApiUrl (where Keydeck will send a key)', () => {
  it.each([
    ['https://api.laghav.ai', true],
    ['https://api.laghav.ai:8443/v1', true],
    ['http://127.0.0.1:4010', true],
    ['http://localhost:4010', true],
    ['http://[::1]:4010', true],
    ['http://api.laghav.ai', false],
    ['http://127.0.0.1.evil.example', false],
    ['http://localhost.evil.example', false],
    ['ftp://api.laghav.ai', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['https://user:pass@api.laghav.ai', false],
    ['not a url', false],
    [undefined, false],
  ])('%s → %s', (url, expected) => {
    expect(checkApiUrl(url).ok).toBe(expected);
  });
});

describe('preview host upgrade guard', () => {
  const origin = 'http://127.0.0.1:4321';
  const token = 'a'.repeat(64);
  const good = { origin, host: '127.0.0.1:4321', 'sec-websocket-protocol': `keydeck.v1, keydeck-token.${token}` };
  it.each([
    ['the right origin, host and token', good, true],
    ['a wrong token', { ...good, 'sec-websocket-protocol': `keydeck.v1, keydeck-token.${'b'.repeat(64)}` }, false],
    ['a short token', { ...good, 'sec-websocket-protocol': 'keydeck.v1, keydeck-token.aaaa' }, false],
    ['no token', { ...good, 'sec-websocket-protocol': 'keydeck.v1' }, false],
    ['another origin', { ...good, origin: 'http://evil.example' }, false],
    ['a null origin', { ...good, origin: 'null' }, false],
    ['no origin', { host: good.host, 'sec-websocket-protocol': good['sec-websocket-protocol'] }, false],
    ['a rebinding host', { ...good, host: 'evil.example:4321' }, false],
  ])('%s → %s', (_name, headers, expected) => {
    expect(isAllowedUpgrade({ headers }, origin, token)).toBe(expected);
  });
});

describe('the window options and CSP as written', () => {
  const main = readFileSync('electron/main.ts', 'utf8');
  const html = readFileSync('renderer/index.html', 'utf8');
  it('sets the three isolation options literally (so scanners can read them)', () => {
    expect(main).toMatch(/sandbox: true,/);
    expect(main).toMatch(/contextIsolation: true,/);
    expect(main).toMatch(/nodeIntegration: false,/);
    expect(main).toMatch(/webviewTag: false,/);
    expect(main).not.toMatch(/webSecurity: false|allowRunningInsecureContent: true/);
    expect(main).toContain('devTools: !app.isPackaged,');
  });
  it('serves the renderer over app://, registered as privileged before ready, never from file://', () => {
    expect(main).not.toContain('loadFile(');
    expect(main).toContain('win.loadURL(trusted.devServerUrl ?? APP_URL)');
    expect(main).toContain('appOrigin: APP_ORIGIN');
    const registered = main.indexOf('protocol.registerSchemesAsPrivileged(');
    expect(registered).toBeGreaterThan(-1);
    expect(registered).toBeLessThan(main.indexOf('app.whenReady()'));
    expect(main).toContain('protocol.handle(APP_SCHEME, appProtocolResponse)');
    expect(main.indexOf('protocol.handle(')).toBeLessThan(main.indexOf('= createWindow('));
    expect(main.indexOf('= createWindow(')).toBeGreaterThan(-1);
    // The dev server is trusted only in an unpackaged run.
    expect(main).toContain('devServerUrl: !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined');
  });
  it('builds its menu from menuTemplate, so a packaged build has no DevTools item', () => {
    expect(main).toContain('menuTemplate({ packaged: app.isPackaged, platform: process.platform');
    expect(main).not.toMatch(/toggleDevTools|openDevTools|role: 'viewMenu'/);
  });
  it('denies navigation, new windows and permission requests', () => {
    expect(main).toContain("setWindowOpenHandler(() => ({ action: 'deny' }))");
    expect(main).toContain("contents.on('will-navigate'");
    expect(main).toContain('setPermissionRequestHandler((_wc, _permission, callback) => callback(false))');
  });
  it('ships a strict CSP in the page, the one the app:// handler and the preview host send (minus frame-ancestors)', () => {
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(meta).toContain("script-src 'self'");
    expect(meta).toContain("object-src 'none'");
    expect(meta).not.toMatch(/unsafe-inline|unsafe-eval/);
    for (const directive of meta.split(';').map((d) => d.trim())) expect(CONTENT_SECURITY_POLICY).toContain(directive);
    // The build rewrites the meta from security.ts (electron.vite.config.ts); this is what it writes.
    expect(META_CONTENT_SECURITY_POLICY.split('; ')).toEqual(
      CONTENT_SECURITY_POLICY.split('; ').filter((d) => !d.startsWith('frame-ancestors')),
    );
  });
});

describe('packaging', () => {
  const yml = readFileSync('electron-builder.yml', 'utf8');
  it('flips the Electron fuses', () => {
    for (const line of [
      'runAsNode: false',
      'enableNodeOptionsEnvironmentVariable: false',
      'enableNodeCliInspectArguments: false',
      'enableEmbeddedAsarIntegrityValidation: true',
      'onlyLoadAppFromAsar: true',
      'grantFileProtocolExtraPrivileges: false',
    ]) {
      expect(yml).toContain(line);
    }
  });
  it('ships only the built app, never the preview host, sandbox or tests', () => {
    const files = /files:\n((?:\s+- .+\n)+)/.exec(yml)?.[1] ?? '';
    expect(files).toContain('out/main/**');
    expect(files).not.toMatch(/preview|test|sandbox|scripts|electron\/\*\*/);
  });
  it("passes electron-builder's own checks (the ones its packager runs first), and those checks catch a bad option", async () => {
    const { createRequire } = await import('node:module');
    const require = createRequire(import.meta.url);
    type Config = Record<string, unknown>;
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      getConfig(projectDir: string, configPath: string, fromOptions: null): Promise<Config>;
      validateConfiguration(config: Config, logger: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    const logger = { isEnabled: false, add() {} };
    const config = await getConfig(process.cwd(), 'electron-builder.yml', null);
    await expect(validateConfiguration(config, logger)).resolves.toBeUndefined();
    const fuses = config.electronFuses as Config;
    // A misspelt fuse would silently leave file:// privileged: the schema refuses it.
    await expect(
      validateConfiguration(
        { ...config, electronFuses: { ...fuses, grantFileProtocolExtraPriviliges: false } },
        logger,
      ),
    ).rejects.toThrow(/Invalid configuration/);
    await expect(validateConfiguration({ ...config, asar: 'yes' }, logger)).rejects.toThrow(/Invalid configuration/);
  });
});

describe('checkDashboardUrl (what Keydeck opens in the system browser)', () => {
  const hosts = ['laghav.ai', '*.laghav.ai'];
  it.each([
    ['https://laghav.ai/dashboard', true],
    ['https://app.laghav.ai/settings/api-keys', true],
    ['HTTPS://LAGHAV.AI/dashboard', true],
    ['http://127.0.0.1:4010/dashboard', true],
    ['http://localhost:4010/dashboard', true],
    ['http://laghav.ai/dashboard', false],
    ['javascript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['file:///etc/passwd', false],
    ['smb://laghav.ai/share', false],
    ['ms-settings:', false],
    ['https://laghav.ai.evil.example/', false],
    ['https://evil-laghav.ai/', false],
    ['https://evillaghav.ai/', false],
    ['https://laghav.ai@evil.example/', false],
    ['https://user:pw@laghav.ai/', false],
    ['https://xn--lghav-9qa.ai/', false],
    ['https://127.0.0.1.nip.io/', false],
    ['data:text/html,hi', false],
    ['', false],
    [null, false],
  ])('%s → %s', (url, expected) => {
    expect(checkDashboardUrl(url, hosts).ok).toBe(expected);
  });

  it('opens nothing but loopback for a provider with no published host', () => {
    expect(checkDashboardUrl('https://legba.example/dashboard', []).ok).toBe(false);
    expect(checkDashboardUrl('https://legba.example/dashboard', ['legba.example']).ok).toBe(true);
  });

  it('hostMatches never lets a look-alike through', () => {
    expect(hostMatches('a.b.laghav.ai', '*.laghav.ai')).toBe(true);
    expect(hostMatches('laghav.ai', '*.laghav.ai')).toBe(false);
    expect(hostMatches('xlaghav.ai', '*.laghav.ai')).toBe(false);
    expect(hostMatches('laghav.ai.', 'laghav.ai')).toBe(true);
  });
});

describe('the preview host over HTTP', () => {
  it('serves the app with its CSP, refuses a foreign Host, path traversal and malformed URLs, and survives them', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { request } = await import('node:http');
    const { startPreviewHost } = await import('../../electron/preview/host.js');
    const dir = mkdtempSync(join(tmpdir(), 'kd-preview-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    const host = await startPreviewHost({ core: { call: async () => ({ ok: true, value: null }) }, rendererDir: dir });
    const port = new URL(host.origin).port;
    const get = (path: string, hostHeader = `127.0.0.1:${port}`) =>
      new Promise<{ status: number; csp?: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers: { host: hostHeader } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined });
        });
        req.on('error', reject);
        req.end();
      });
    try {
      const ok = await get('/');
      expect(ok.status).toBe(200);
      expect(ok.csp).toContain("script-src 'self'");
      expect((await get('/', 'evil.example')).status).toBe(403);
      expect((await get('/../../etc/passwd')).status).not.toBe(200);
      expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).not.toBe(200);
      expect((await get('/%E0%A4%A')).status).toBe(400);
      expect((await get('/')).status).toBe(200);
    } finally {
      await host.close();
    }
  });
});
