/**
 * Pure security checks over untrusted input, used by main.ts and tested with tables of hostile
 * values (test/unit/security.test.ts). No Electron import: these run under Node in tests.
 */

/** The renderer's URL in the app: the bundled index.html, or the dev server in development. */
export interface TrustedOrigins {
  /** e.g. `file:///…/out/renderer/index.html` */
  appFileUrl: string;
  /** e.g. `http://localhost:5173` in `electron-vite dev`; undefined when packaged. */
  devServerUrl?: string;
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
  if (parsed.protocol === 'file:') {
    const app = new URL(trusted.appFileUrl);
    // The host too: `file://evil-host/<same path>` is a file on another machine (a UNC share on
    // Windows), not the bundled page. The app's own URL has an empty host (`file://localhost/` parses to one too).
    return app.protocol === 'file:' && parsed.host === app.host && parsed.pathname === app.pathname;
  }
  if (trusted.devServerUrl) {
    return parsed.origin === new URL(trusted.devServerUrl).origin;
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

/** The Content-Security-Policy of every Keydeck page. No inline script, no eval, no plugins, no framing. */
export const CONTENT_SECURITY_POLICY = [
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
].join('; ');
