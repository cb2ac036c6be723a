/**
 * Pure security checks over untrusted input, used by main.ts and tested with tables of hostile
 * values (test/unit/security.test.ts). No Electron import: these run under Node in tests.
 */

/** Where the renderer may come from: the app's own origin, or the dev server in development. */
export interface TrustedOrigins {
  /**
   * The origin the built renderer is served from over Keydeck's privileged scheme: `app://keydeck`
   * (electron/app/protocol.ts). Pages under it are the app; nothing else in `app:` is.
   */
  appOrigin?: string;
  /**
   * A `file:` URL of the bundled page. The app no longer loads it (the file-protocol fuse is off, so
   * `file://` cannot run the page's module script); kept for callers that still describe the page this way.
   */
  appFileUrl?: string;
  /** e.g. `http://localhost:5173` in `electron-vite dev`; undefined when packaged. */
  devServerUrl?: string;
}

/**
 * `scheme://host` of a URL whose scheme Node does not treat as special (Node gives such URLs the
 * origin `null`). Refuses credentials, ports and an empty host, which the app's own origin never has.
 */
function customOrigin(parsed: URL): string | undefined {
  if (parsed.username || parsed.password || parsed.port || !parsed.host) return undefined;
  return `${parsed.protocol}//${parsed.host}`;
}

/** True when `url` is the app's own page (the only thing the window may show or hear IPC from). */
export function isAppUrl(url: unknown, trusted: TrustedOrigins): boolean {
  if (typeof url !== 'string' || url.length === 0 || url.length > 4096) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (trusted.appOrigin) {
    const app = new URL(trusted.appOrigin);
    // Compared exactly: Chromium hands main canonical (lower-case) URLs of a standard scheme, so
    // anything else is not a URL the app's own window produced.
    if (parsed.protocol === app.protocol)
      return customOrigin(parsed) !== undefined && customOrigin(parsed) === customOrigin(app);
  }
  if (parsed.protocol === 'file:' && trusted.appFileUrl) {
    const app = new URL(trusted.appFileUrl);
    // The host too: `file://evil-host/<same path>` is a file on another machine (a UNC share on
    // Windows), not the bundled page. The app's own URL has an empty host (`file://localhost/` parses to one too).
    return app.protocol === 'file:' && parsed.host === app.host && parsed.pathname === app.pathname;
  }
  if (trusted.devServerUrl) {
    return parsed.origin !== 'null' && parsed.origin === new URL(trusted.devServerUrl).origin;
  }
  return false;
}

/** What main knows about the sender of an IPC message. */
export interface SenderInfo {
  /** The frame's URL; `null` when the frame is gone (navigated or destroyed): always refused. */
  frameUrl: string | null | undefined;
  /** Whether the frame is the top-level frame (subframes are refused). */
  isMainFrame: boolean;
  webContentsId: number;
}

/** An IPC sender is trusted only when it is the main frame of one of Keydeck's windows, showing Keydeck's page. */
export function isTrustedSender(sender: SenderInfo, windowIds: ReadonlySet<number>, trusted: TrustedOrigins): boolean {
  if (sender.frameUrl === null || sender.frameUrl === undefined) return false;
  if (!sender.isMainFrame) return false;
  if (!windowIds.has(sender.webContentsId)) return false;
  return isAppUrl(sender.frameUrl, trusted);
}

/**
 * The Content-Security-Policy of every Keydeck page, one directive per entry: no inline script, no
 * eval, no plugins, no framing. The one definition: the app's protocol handler and the preview host
 * send it as a header, and the build writes the page's meta tag from it (electron.vite.config.ts).
 */
export const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
] as const;

/** The policy as a response header. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');

/** Directives a `<meta>` policy cannot carry (Chromium ignores them there and logs an error). */
const HEADER_ONLY = ['frame-ancestors', 'report-uri', 'sandbox'];

/** The same policy for the page's `<meta http-equiv>` tag: the header's directives minus the header-only ones. */
export const META_CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.filter(
  (d) => !HEADER_ONLY.includes(d.split(' ')[0] ?? ''),
).join('; ');
