import type { CustomScheme } from 'electron';
import fs from 'node:fs';
import { extname, isAbsolute, join, relative } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../security.js';

/**
 * Keydeck's renderer over its own privileged scheme, `app://keydeck/` (ARCHITECTURE.md rule 11).
 *
 * With the `GrantFileProtocolExtraPrivileges` fuse off, `file://` behaves as in a browser: every
 * file is its own opaque origin and the built page's `crossorigin` module script is blocked by CORS.
 * A standard, secure scheme gives the page a real origin instead. What a request gets is decided
 * here, without Electron, so the same code is tested under Node (test/unit/protocol.test.ts) and
 * serves the built renderer to Chromium in test/e2e/app-protocol.spec.ts; main.ts only turns the
 * answer into a `Response`.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'keydeck';
/** The renderer's origin: the IPC sender check and the navigation lock key on it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads. */
export const APP_URL = `${APP_ORIGIN}/`;

/**
 * `standard` gives the scheme real origins and relative URLs, `secure` makes it a secure context,
 * `supportFetchAPI` and `corsEnabled` let module scripts and fetch load same-origin files. Nothing
 * bypasses the CSP, and no service workers or streaming are granted.
 */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  corsEnabled: true,
  codeCache: true,
  bypassCSP: false,
  allowServiceWorkers: false,
  stream: false,
} as const satisfies NonNullable<CustomScheme['privileges']>;

/** The only files served, by extension. Anything else is a 404, never `application/octet-stream`. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
};

/** Headers on every answer, errors included. */
export const BASE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/** What the scheme's handler is asked: the URL Chromium requested and the method. */
export interface AppRequest {
  url: string;
  method: string;
}

/** The decision for one request: a file to send, or an error with a short plain-text body. */
export type AppDecision =
  | { status: 200; headers: Record<string, string>; file: string; head: boolean }
  | { status: 400 | 403 | 404 | 405; headers: Record<string, string>; body: string };

/** The little of the file system the decision needs, injectable for tests. Sync calls: Electron's asar patch covers them. */
export interface FileLookup {
  /** The real path (links resolved), or undefined when it does not exist. */
  realpath(path: string): string | undefined;
  /** What is at a real path. */
  kind(path: string): 'file' | 'directory' | 'other' | undefined;
}

/** The node:fs lookup (through the module object, so Electron's asar support applies inside app.asar). */
export const nodeFileLookup: FileLookup = {
  realpath(path) {
    try {
      return fs.realpathSync(path);
    } catch {
      return undefined;
    }
  },
  kind(path) {
    try {
      const stat = fs.statSync(path);
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other';
    } catch {
      return undefined;
    }
  },
};

const MESSAGES = { 400: 'Bad request', 403: 'Forbidden', 404: 'Not found', 405: 'Method not allowed' } as const;

function refuse(status: 400 | 403 | 404 | 405): AppDecision {
  const headers: Record<string, string> = { ...BASE_HEADERS, 'content-type': 'text/plain; charset=utf-8' };
  if (status === 405) headers.allow = 'GET, HEAD';
  return { status, headers, body: MESSAGES[status] };
}

/** A `..` segment written in any form (`..`, `%2e%2e`, `.%2E`, with `/` or `\`): refused before the URL parser folds it away. */
const DOT_DOT_SEGMENT = /(?:^|[/\\]|%2f|%5c)(?:\.|%2e){2}(?:[/\\?#]|%2f|%5c|$)/i;

/** True when `child` is `parent` or inside it (both real, absolute paths). */
function within(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Decides what `app://keydeck/<path>` gets from the renderer folder `root`: only host `keydeck`, only
 * GET and HEAD; traversal in any spelling, encoded separators, backslashes, control characters, drive
 * letters and links out of `root` refused; a directory only for `/` (its index.html); a file only
 * with a known type, sent with the CSP and `nosniff`.
 */
export function decideAppRequest(request: AppRequest, root: string, files: FileLookup = nodeFileLookup): AppDecision {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
  if (typeof request.url !== 'string' || request.url.length > 2048) return refuse(400);
  const pathPart = request.url.replace(/[?#].*$/s, '');
  if (DOT_DOT_SEGMENT.test(pathPart)) return refuse(400);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(400);
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username || url.password) return refuse(403);
  const rawPath = url.pathname === '' ? '/' : url.pathname;
  // Encoded separators and NUL would make one URL segment into several path parts (or cut the path short).
  if (/%(?:2f|5c|00)|\\/i.test(rawPath)) return refuse(400);
  let segments: string[];
  try {
    segments = rawPath.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return refuse(400);
  }
  const isRoot = rawPath === '/';
  if (!isRoot) {
    for (const [i, segment] of segments.entries()) {
      const last = i === segments.length - 1;
      // Empty segments (`//x`) and dot segments never name a file; `:` is a drive letter or an NTFS stream.
      // eslint-disable-next-line no-control-regex
      if ((segment === '' && !last) || segment === '.' || segment === '..' || /[\u0000-\u001f\u007f:\\/]/.test(segment))
        return refuse(400);
    }
  }
  const realRoot = files.realpath(root);
  if (!realRoot) return refuse(404);
  const wanted = isRoot ? join(root, 'index.html') : join(root, ...segments);
  if (!within(root, wanted)) return refuse(400);
  const real = files.realpath(wanted);
  // A link (or a parent link) pointing out of the renderer folder is refused, not followed.
  if (!real) return refuse(404);
  if (!within(realRoot, real)) return refuse(403);
  const kind = files.kind(real);
  if (kind !== 'file') return refuse(404);
  const type = MIME_TYPES[extname(real).toLowerCase()];
  if (!type) return refuse(404);
  return {
    status: 200,
    headers: { ...BASE_HEADERS, 'content-type': type },
    file: real,
    head: request.method === 'HEAD',
  };
}

/** An answer ready to send: status, headers and the exact bytes (none for HEAD). */
export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | null;
}

/** Reads a file through the module object (asar-aware in Electron). */
function readFileBytes(path: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => fs.readFile(path, (error, data) => (error ? reject(error) : resolve(data))));
}

/**
 * Decides and reads: what main.ts hands to `new Response(...)` and what the e2e server writes, so the
 * two send the same status, headers and bytes. A file that vanishes between the decision and the read is a 404.
 */
export async function serveAppRequest(
  request: AppRequest,
  root: string,
  files: FileLookup = nodeFileLookup,
  read = readFileBytes,
): Promise<AppResponse> {
  const decision = decideAppRequest(request, root, files);
  if (!('file' in decision)) {
    return {
      status: decision.status,
      headers: decision.headers,
      body: request.method === 'HEAD' ? null : new TextEncoder().encode(decision.body),
    };
  }
  try {
    const bytes = await read(decision.file);
    return { status: 200, headers: decision.headers, body: decision.head ? null : bytes };
  } catch {
    const missing = refuse(404) as Extract<AppDecision, { body: string }>;
    return {
      status: 404,
      headers: missing.headers,
      body: decision.head ? null : new TextEncoder().encode(missing.body),
    };
  }
}
