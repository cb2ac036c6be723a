import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { installedElectron } from '../../scripts/electron-binary.mjs';
import { buildApi } from '../../shared/api.js';
import { CHANNELS } from '../../shared/contract.js';
import { APP_URL } from '../../electron/app/protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/security.js';

/**
 * Smoke tests of the real Electron app: unpackaged (`electron .`), and packaged by electron-builder
 * (`--dir`, with the fuses of electron-builder.yml flipped). Electron 45 downloads its binary on
 * first launch, which these CI machines cannot do; there both are skipped and say so at run time.
 * On a developer machine (after one `npm start`, and `npx electron-vite build`) they run.
 */
const binary = installedElectron();
const SKIP_REASON =
  'Electron binary not present on this machine (it downloads on first `npm start`, which needs internet); run `npm start` once on a machine with internet.';

/** The names `window.keydeck` must have: the contract's, nothing else. */
const API_KEYS = Object.keys(buildApi(async () => ({ ok: true, value: null }), CHANNELS)).sort();

function launchEnv(profile: string): Record<string, string> {
  const env = Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  // Never the dev server: the window must load the built renderer over app://.
  delete env.ELECTRON_RENDERER_URL;
  return { ...env, KEYDECK_PROFILE_DIR: profile, KEYDECK_KEYCHAIN_SERVICE: `Keydeck Electron Test ${process.pid}` };
}

interface Navigation {
  url: string;
  refused: boolean;
}

/** Records in main every navigation attempt of the window and whether it was refused (read with `navigations`). */
async function recordNavigations(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ BrowserWindow }) => {
    const g = globalThis as unknown as { keydeckTestNavigations?: Navigation[] };
    g.keydeckTestNavigations = [];
    // Added after main's own listener, so it sees that listener's verdict.
    BrowserWindow.getAllWindows()[0]?.webContents.on('will-navigate', (event, url) =>
      g.keydeckTestNavigations?.push({ url, refused: event.defaultPrevented }),
    );
  });
}

function navigations(app: ElectronApplication): Promise<Navigation[]> {
  return app.evaluate(
    () => (globalThis as unknown as { keydeckTestNavigations?: Navigation[] }).keydeckTestNavigations ?? [],
  );
}

/** What both runs must show: the page over app://, only window.keydeck, navigation and window.open refused. */
async function checkWindow(app: ElectronApplication, page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Welcome to Keydeck' })).toBeVisible();
  expect(page.url()).toBe(APP_URL);
  expect(await page.title()).toBe('Keydeck');
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);

  // The preload adds window.keydeck (the contract's calls) and nothing else: the page's globals, less
  // those of the same page in a window without the preload, are exactly ['keydeck'].
  const globals = await page.evaluate(() => {
    const w = globalThis as unknown as {
      keydeck?: object;
      require?: unknown;
      process?: unknown;
      Buffer?: unknown;
      open(url: string): unknown;
    };
    return {
      names: Object.getOwnPropertyNames(globalThis),
      keydeck: Object.keys(w.keydeck ?? {}).sort(),
      require: typeof w.require,
      process: typeof w.process,
      buffer: typeof w.Buffer,
      opened: w.open('https://example.com') === null,
    };
  });
  const withoutPreload = await app.evaluate(async ({ BrowserWindow }, url) => {
    const probe = new BrowserWindow({
      show: false,
      webPreferences: {
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        disableBlinkFeatures: 'Auxclick',
      },
    });
    try {
      await probe.loadURL(url);
      return (await probe.webContents.executeJavaScript('Object.getOwnPropertyNames(globalThis)')) as string[];
    } finally {
      probe.destroy();
    }
  }, APP_URL);
  const { names, ...exposed } = globals;
  expect(names.filter((name) => !withoutPreload.includes(name))).toEqual(['keydeck']);
  expect(withoutPreload).not.toContain('keydeck');
  expect(exposed).toEqual({
    keydeck: API_KEYS,
    require: 'undefined',
    process: 'undefined',
    buffer: 'undefined',
    opened: true,
  });
  const info = await page.evaluate(() =>
    (globalThis as unknown as { keydeck: { app: { info(i: object): Promise<unknown> } } }).keydeck.app.info({}),
  );
  expect(info).toMatchObject({ ok: true, value: { transport: 'electron' } });

  // The real app:// handler: its CSP header, and traversal refused (Chromium folds `%2e%2e` into the
  // path before the handler sees it, so that one is a 404 inside the root; `%2f` reaches the handler).
  const fetched = await page.evaluate(async () => {
    const index = await fetch('/');
    const folded = await fetch('/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
    const encoded = await fetch('/assets%2f..%2f..%2fpackage.json');
    return {
      status: index.status,
      csp: index.headers.get('content-security-policy'),
      nosniff: index.headers.get('x-content-type-options'),
      folded: folded.status,
      encoded: encoded.status,
    };
  });
  expect(fetched).toEqual({ status: 200, csp: CONTENT_SECURITY_POLICY, nosniff: 'nosniff', folded: 404, encoded: 400 });

  // Navigating away is refused by main, and the page stays where it is. (A file: URL is not tried:
  // Chromium itself refuses it from a non-file page before main is asked.)
  await recordNavigations(app);
  for (const target of ['https://example.com/', 'app://evil/', 'http://127.0.0.1:9/']) {
    await page.evaluate((url) => {
      (globalThis as unknown as { location: { href: string } }).location.href = url;
    }, target);
    await expect.poll(() => navigations(app)).toContainEqual({ url: target, refused: true });
    expect(page.url()).toBe(APP_URL);
  }
  expect((await navigations(app)).every((n) => n.refused)).toBe(true);
  await expect(page.getByRole('heading', { name: 'Welcome to Keydeck' })).toBeVisible();
}

test('unpackaged: the app opens one hardened window over app://keydeck/ exposing only window.keydeck', async () => {
  if (!binary) console.log(`SKIPPED: Electron smoke test (unpackaged): ${SKIP_REASON}`);
  test.skip(!binary, SKIP_REASON);
  const profile = mkdtempSync(join(tmpdir(), 'keydeck-electron-'));
  const app = await electron.launch({ executablePath: binary, args: ['.', '--no-sandbox'], env: launchEnv(profile) });
  try {
    const page = await app.firstWindow();
    await checkWindow(app, page);
  } finally {
    await app.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('desktop conventions: window size and position remembered across a restart, Help menu, logs in the logs folder', async () => {
  if (!binary) console.log(`SKIPPED: Electron desktop conventions: ${SKIP_REASON}`);
  test.skip(!binary, SKIP_REASON);
  const profile = mkdtempSync(join(tmpdir(), 'keydeck-electron-'));
  const stateFile = join(profile, 'window-state.json');
  try {
    const first = await electron.launch({
      executablePath: binary,
      args: ['.', '--no-sandbox'],
      env: launchEnv(profile),
    });
    let wanted: { width: number; height: number };
    try {
      await first.firstWindow();
      wanted = await first.evaluate(({ BrowserWindow, screen }) => {
        const area = screen.getPrimaryDisplay().workArea;
        const bounds = {
          x: area.x + 10,
          y: area.y + 10,
          width: Math.min(900, area.width),
          height: Math.min(640, area.height),
        };
        BrowserWindow.getAllWindows()[0]?.setBounds(bounds);
        return { width: bounds.width, height: bounds.height };
      });
      // Written (debounced) after the resize settles, before any close.
      await expect.poll(() => existsSync(stateFile), { timeout: 10_000 }).toBe(true);

      const shell = await first.evaluate(({ app, Menu }) => ({
        logs: app.getPath('logs'),
        help:
          Menu.getApplicationMenu()
            ?.items.find((item) => item.label === 'Help')
            ?.submenu?.items.map((item) => item.label)
            .filter(Boolean) ?? [],
      }));
      expect(shell.logs).toBe(join(profile, 'logs'));
      expect(shell.help).toEqual(
        expect.arrayContaining(['Keydeck Documentation', 'Show Logs Folder', 'Report a Problem…']),
      );
      if (process.platform !== 'darwin') expect(shell.help).toContain('About Keydeck');
    } finally {
      await first.close();
    }
    const second = await electron.launch({
      executablePath: binary,
      args: ['.', '--no-sandbox'],
      env: launchEnv(profile),
    });
    try {
      await second.firstWindow();
      const size = await second.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getBounds());
      expect(size).toMatchObject(wanted);
    } finally {
      await second.close();
    }
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

/** The packaged executable electron-builder wrote under `dir` (linux-unpacked, win-unpacked, mac*). */
function packagedExecutable(dir: string): string | undefined {
  for (const sub of readdirSync(dir)) {
    const folder = join(dir, sub);
    if (!statSync(folder).isDirectory()) continue;
    const candidates = [
      join(folder, 'keydeck'),
      join(folder, 'Keydeck.exe'),
      join(folder, 'Keydeck.app', 'Contents', 'MacOS', 'Keydeck'),
    ];
    const found = candidates.find((c) => existsSync(c));
    if (found) return found;
  }
  return undefined;
}

test('packaged with the fuses flipped: renders over app:// (file:// has no extra privileges), only window.keydeck, no DevTools, navigation refused', async () => {
  if (!binary) console.log(`SKIPPED: Electron smoke test (packaged with the fuses flipped): ${SKIP_REASON}`);
  test.skip(!binary, SKIP_REASON);
  test.setTimeout(600_000);
  if (!existsSync('out/renderer/index.html')) throw new Error('out/ is missing: run `npx electron-vite build` first.');
  const output = mkdtempSync(join(tmpdir(), 'keydeck-packaged-'));
  const profile = mkdtempSync(join(tmpdir(), 'keydeck-electron-'));
  // The icons electron-builder.yml names are generated, as `npm run dist` does first.
  const icons = spawnSync('node', ['scripts/icons.mjs'], { encoding: 'utf8' });
  expect(icons.status, `scripts/icons.mjs failed:\n${icons.stderr}`).toBe(0);
  // electron-builder as `npm run dist` runs it (electron-builder.yml: asar, fuses), from the binary
  // already here, into a temp folder. One fuse stays on: Playwright attaches through `--inspect`,
  // which `enableNodeCliInspectArguments: false` removes; every other fuse is as shipped.
  const packed = spawnSync(
    'npx',
    [
      '--no-install',
      'electron-builder',
      '--dir',
      '--publish',
      'never',
      `-c.electronDist=${resolve('node_modules/electron/dist')}`,
      `-c.directories.output=${output}`,
      '-c.electronFuses.enableNodeCliInspectArguments=true',
      // keytar is N-API: the build for Node loads in Electron, and rebuilding would need Electron's headers.
      '-c.npmRebuild=false',
    ],
    { encoding: 'utf8', timeout: 540_000, env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  expect(packed.status, `electron-builder --dir failed:\n${packed.stdout}\n${packed.stderr}`).toBe(0);
  const executable = packagedExecutable(output);
  expect(executable, `no packaged executable under ${output}`).toBeTruthy();
  const app = await electron.launch({ executablePath: executable, args: ['--no-sandbox'], env: launchEnv(profile) });
  try {
    const page = await app.firstWindow();
    expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(true);
    await checkWindow(app, page);
    // No DevTools: not in the menu, and opening them does nothing.
    const devtools = await app.evaluate(({ BrowserWindow, Menu }) => {
      const roles: string[] = [];
      const walk = (items: Electron.MenuItem[]) => {
        for (const item of items) {
          if (item.role) roles.push(item.role.toLowerCase());
          if (item.submenu) walk(item.submenu.items);
        }
      };
      walk(Menu.getApplicationMenu()?.items ?? []);
      const contents = BrowserWindow.getAllWindows()[0]?.webContents;
      contents?.openDevTools({ mode: 'detach' });
      return { roles, opened: contents?.isDevToolsOpened() ?? true };
    });
    expect(devtools.roles).not.toContain('toggledevtools');
    expect(devtools.roles).not.toContain('viewmenu');
    expect(devtools.opened).toBe(false);
  } finally {
    await app.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(output, { recursive: true, force: true });
  }
});
