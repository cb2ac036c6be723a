import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  APP_URL,
  decideAppRequest,
  MIME_TYPES,
  serveAppRequest,
  type AppDecision,
} from '../../electron/app/protocol.js';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../electron/security.js';
import viteConfig from '../../electron.vite.config.js';

/**
 * The app:// handler's decision, over a real folder with links in it (a renderer root, a sibling
 * folder whose name starts with the root's, a secret outside both).
 */
let base: string;
let root: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'kd-protocol-'));
  root = join(base, 'renderer');
  mkdirSync(join(root, 'assets', 'sub'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Keydeck</title>');
  const files: Record<string, string> = {
    'app.js': 'export {}',
    'chunk.mjs': 'export {}',
    'style.css': 'body{}',
    'logo.svg': '<svg/>',
    'logo.png': 'png',
    'font.woff2': 'woff2',
    'data.json': '{}',
    'app.js.map': '{}',
    'favicon.ico': 'ico',
    'UPPER.JS': 'export {}',
    'tool.exe': 'MZ',
    README: 'no extension',
    'page.htm': '<p>',
    'café.css': 'body{}',
  };
  for (const [name, body] of Object.entries(files)) writeFileSync(join(root, 'assets', name), body);
  // Outside the root: a secret, and a sibling whose path has the root's path as a prefix.
  mkdirSync(join(base, 'renderer-evil'));
  writeFileSync(join(base, 'renderer-evil', 'x.js'), 'stolen');
  writeFileSync(join(base, 'secret.js'), 'stolen');
  symlinkSync(join(base, 'secret.js'), join(root, 'assets', 'escape.js'));
  symlinkSync(base, join(root, 'assets', 'up'));
  symlinkSync('../../secret.js', join(root, 'assets', 'relative-escape.js'));
  symlinkSync(join(root, 'assets', 'app.js'), join(root, 'assets', 'inner-link.js'));
  symlinkSync('/etc', join(root, 'etc-link'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A path (`/…`) on the app's origin, or any other URL as given. */
const get = (path: string, method = 'GET'): AppDecision =>
  decideAppRequest({ url: path.startsWith('/') ? `${APP_ORIGIN}${path}` : path, method }, root);

describe('app:// serves the renderer folder', () => {
  it.each([
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/index.html', 'index.html', 'text/html; charset=utf-8'],
    ['/?q=1#/keys', 'index.html', 'text/html; charset=utf-8'],
    ['/assets/app.js', 'assets/app.js', 'text/javascript; charset=utf-8'],
    ['/assets/chunk.mjs', 'assets/chunk.mjs', 'text/javascript; charset=utf-8'],
    ['/assets/style.css', 'assets/style.css', 'text/css; charset=utf-8'],
    ['/assets/logo.svg', 'assets/logo.svg', 'image/svg+xml'],
    ['/assets/logo.png', 'assets/logo.png', 'image/png'],
    ['/assets/font.woff2', 'assets/font.woff2', 'font/woff2'],
    ['/assets/data.json', 'assets/data.json', 'application/json; charset=utf-8'],
    ['/assets/app.js.map', 'assets/app.js.map', 'application/json; charset=utf-8'],
    ['/assets/favicon.ico', 'assets/favicon.ico', 'image/x-icon'],
    ['/assets/UPPER.JS', 'assets/UPPER.JS', 'text/javascript; charset=utf-8'],
    ['/assets/caf%C3%A9.css', 'assets/café.css', 'text/css; charset=utf-8'],
    // A link that stays inside the root is fine.
    ['/assets/inner-link.js', 'assets/app.js', 'text/javascript; charset=utf-8'],
    // `.` segments and `a/../b` never reach the handler from Chromium; the URL parser folds them inside the root.
    ['/./assets/app.js', 'assets/app.js', 'text/javascript; charset=utf-8'],
    [APP_URL, 'index.html', 'text/html; charset=utf-8'],
    ['app://keydeck', 'index.html', 'text/html; charset=utf-8'],
  ])('%s → %s as %s', (path, file, type) => {
    const decision = get(path);
    expect(decision.status).toBe(200);
    if (!('file' in decision)) throw new Error('expected a file');
    expect(relative(realpathSync(root), decision.file).split(sep).join('/')).toBe(file);
    expect(decision.headers['content-type']).toBe(type);
  });

  it('every type the build emits is known, and nothing else', () => {
    expect(Object.keys(MIME_TYPES).sort()).toEqual([
      '.css',
      '.html',
      '.ico',
      '.js',
      '.json',
      '.map',
      '.mjs',
      '.png',
      '.svg',
      '.woff2',
    ]);
  });
});

describe('app:// refuses', () => {
  it.each<[string, string, number]>([
    // Traversal in every spelling: refused before the URL parser can fold it away.
    ['dot-dot', '/../secret.js', 400],
    ['dot-dot twice', '/../../../../etc/passwd', 400],
    ['dot-dot in the middle', '/assets/../../secret.js', 400],
    ['dot-dot at the end', '/assets/..', 400],
    ['encoded dot-dot', '/%2e%2e/secret.js', 400],
    ['upper-case encoded dot-dot', '/%2E%2E/%2E%2E/etc/passwd', 400],
    ['half-encoded dot-dot', '/.%2e/secret.js', 400],
    ['half-encoded dot-dot, other half', '/%2e./secret.js', 400],
    ['dot-dot behind an encoded slash', '/assets%2f..%2f..%2fsecret.js', 400],
    ['encoded slash', '/assets%2fapp.js', 400],
    ['encoded backslash', '/assets%5capp.js', 400],
    ['backslash', '/assets\\app.js', 400],
    ['backslash dot-dot', '/assets\\..\\..\\secret.js', 400],
    ['NUL', '/assets/app.js%00.png', 400],
    ['a control character', '/assets/app%0a.js', 400],
    ['double-encoded dot-dot (a literal name, not found)', '/%252e%252e/secret.js', 404],
    ['an empty segment (absolute path)', '//etc/passwd', 400],
    ['an absolute path in a segment', '/assets//etc/passwd', 400],
    ['a drive letter', '/C:/Windows/win.ini', 400],
    ['an NTFS stream', '/index.html::$DATA', 400],
    ['malformed percent-encoding', '/%E0%A4%A', 400],
    // Links out of the root: the real path is checked, not the name.
    ['a link to a file outside', '/assets/escape.js', 403],
    ['a relative link to a file outside', '/assets/relative-escape.js', 403],
    ['a link to a folder outside', '/assets/up/secret.js', 403],
    ['a link to /etc', '/etc-link/passwd', 403],
    // Not a file with a known type.
    ['a sibling folder sharing the prefix', '/../renderer-evil/x.js', 400],
    ['a missing file', '/assets/nope.js', 404],
    ['a directory', '/assets', 404],
    ['a directory with a slash', '/assets/', 404],
    ['a nested directory', '/assets/sub/', 404],
    ['an unknown type', '/assets/tool.exe', 404],
    ['no extension', '/assets/README', 404],
    ['a look-alike type', '/assets/page.htm', 404],
    // Only the app's own host, only app:.
    ['another host', 'app://evil/index.html', 403],
    ['a look-alike host', 'app://keydeck.evil/index.html', 403],
    ['no host', 'app:///index.html', 403],
    ['a port', 'app://keydeck:8080/index.html', 403],
    ['credentials', 'app://user:pw@keydeck/index.html', 403],
    ['an upper-case host (Chromium sends it canonical)', 'app://KEYDECK/index.html', 403],
    ['another scheme', 'file:///etc/passwd', 403],
    ['https', 'https://keydeck/index.html', 403],
    ['not a URL', 'app:', 403],
    ['garbage', 'not a url', 400],
  ])('%s: %s → %d', (_name, path, status) => {
    const decision = get(path);
    expect(decision.status).toBe(status);
    expect('file' in decision).toBe(false);
  });

  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'TRACE', 'get'])('the method %s → 405 with Allow', (method) => {
    const decision = get('/index.html', method);
    expect(decision.status).toBe(405);
    expect(decision.headers.allow).toBe('GET, HEAD');
  });

  it('a missing renderer folder is a 404, not a crash', () => {
    expect(decideAppRequest({ url: APP_URL, method: 'GET' }, join(base, 'nope')).status).toBe(404);
  });

  it('an over-long URL → 400', () => {
    expect(get(`/${'a'.repeat(3000)}.js`).status).toBe(400);
  });

  it('never answers with a file outside the root, whatever the path (property)', () => {
    const realRoot = realpathSync(root);
    const part = fc.constantFrom(
      '..',
      '.',
      '%2e',
      '%2E',
      '%2e%2e',
      '/',
      '//',
      '\\',
      '%2f',
      '%5c',
      '%00',
      '%252e',
      ':',
      'C:',
      'assets',
      'index.html',
      'escape.js',
      'up',
      'secret.js',
      'etc-link',
      'passwd',
      'renderer',
      'renderer-evil',
      'x.js',
      'app.js',
      '?',
      '#',
      '%',
      'assets/',
      'up/',
      '../',
      '%2e%2e/',
      'assets/escape.js',
      'etc-link/',
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), fc.constantFrom('GET', 'HEAD'), (parts, method) => {
        const decision = decideAppRequest({ url: `${APP_ORIGIN}/${parts.join('')}`, method }, root);
        if ('file' in decision) {
          expect(decision.file === realRoot || decision.file.startsWith(realRoot + sep)).toBe(true);
          expect(readFileSync(decision.file, 'utf8')).not.toBe('stolen');
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('headers', () => {
  it('every answer, success or refusal, carries the CSP and nosniff', () => {
    for (const path of ['/', '/assets/app.js', '/assets/nope.js', '/../x', '/assets/escape.js']) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const { headers } = get(path, method);
        expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
        expect(headers['x-content-type-options']).toBe('nosniff');
        expect(headers['content-type']).toBeTruthy();
      }
    }
  });

  it('the header CSP is strict, and the page meta is the same policy minus what a meta tag cannot carry', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('the build writes the page meta CSP from that one policy (whatever renderer/index.html says)', async () => {
    const plugins = (viteConfig as { renderer?: { plugins?: unknown[] } }).renderer?.plugins?.flat() ?? [];
    const plugin = plugins.find(
      (p): p is { name: string; transformIndexHtml: (html: string) => unknown } =>
        (p as { name?: string })?.name === 'keydeck-meta-csp',
    );
    if (!plugin) throw new Error('the keydeck-meta-csp plugin is not in electron.vite.config.ts');
    const source = readFileSync('renderer/index.html', 'utf8');
    const built = plugin.transformIndexHtml(
      source.replace(/content="default-src[^"]*"/, 'content="script-src *"'),
    ) as string;
    expect(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(built)?.[1]).toBe(
      META_CONTENT_SECURITY_POLICY,
    );
    // A page without a meta CSP gets one.
    const injected = plugin.transformIndexHtml('<html><head></head></html>') as {
      tags: { attrs: Record<string, string> }[];
    };
    expect(injected.tags[0]?.attrs).toEqual({
      'http-equiv': 'Content-Security-Policy',
      content: META_CONTENT_SECURITY_POLICY,
    });
  });
});

describe('serveAppRequest (what main.ts and the e2e server send)', () => {
  it('sends the exact bytes with the decision’s status and headers', async () => {
    const answer = await serveAppRequest({ url: `${APP_ORIGIN}/assets/app.js`, method: 'GET' }, root);
    expect(answer.status).toBe(200);
    expect(Buffer.from(answer.body ?? []).toString()).toBe('export {}');
    expect(answer.headers).toEqual(get('/assets/app.js').headers);
  });

  it('HEAD: the same status and headers, no body', async () => {
    const head = await serveAppRequest({ url: APP_URL, method: 'HEAD' }, root);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers).toEqual(get('/').headers);
    expect((await serveAppRequest({ url: `${APP_ORIGIN}/nope.js`, method: 'HEAD' }, root)).body).toBeNull();
  });

  it('a refusal has a short plain-text body and never a file’s bytes', async () => {
    const answer = await serveAppRequest({ url: `${APP_ORIGIN}/assets/escape.js`, method: 'GET' }, root);
    expect(answer.status).toBe(403);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(answer.body ?? []).toString()).toBe('Forbidden');
  });

  it('a file that vanishes between the decision and the read is a 404', async () => {
    const answer = await serveAppRequest({ url: `${APP_ORIGIN}/assets/app.js`, method: 'GET' }, root, undefined, () =>
      Promise.reject(new Error('ENOENT')),
    );
    expect(answer.status).toBe(404);
  });
});

describe('the scheme’s privileges', () => {
  it('standard and secure (a real origin, a secure context), fetch for module scripts; never bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({
      standard: true,
      secure: true,
      supportFetchAPI: true,
      bypassCSP: false,
      allowServiceWorkers: false,
    });
    expect(APP_URL).toBe('app://keydeck/');
  });
});
