/** Loopback hosts, the only place plain http is allowed (the provider sandbox in tests and the demo). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Parses untrusted input as a URL without credentials in it. */
function parseUrl(value: unknown): { ok: true; url: URL } | { ok: false; reason: string } {
  if (typeof value !== 'string' || value.length > 2000) return { ok: false, reason: 'not a URL' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'URLs with credentials are refused' };
  return { ok: true, url };
}

/**
 * Keydeck only sends a key over https, or over http to loopback. Returns a reason when refused.
 * A pure function over unknown input, tested with a table of hostile URLs.
 */
export function checkApiUrl(value: unknown): { ok: true; url: URL } | { ok: false; reason: string } {
  const parsed = parseUrl(value);
  if (!parsed.ok) return parsed;
  const url = parsed.url;
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return { ok: true, url };
  return {
    ok: false,
    reason: `${url.protocol.replace(':', '')} is refused: Keydeck sends keys over https only (plain http only to this computer)`,
  };
}

/** True when `host` is `pattern` or, for `*.domain`, a subdomain of it (never a look-alike such as `evil-domain`). */
export function hostMatches(host: string, pattern: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  const p = pattern.toLowerCase();
  if (p.startsWith('*.')) return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  return h === p;
}

/**
 * Whether Keydeck may open `value` in the system browser as a provider's dashboard: https on one of
 * the provider's hosts, or http(s) on loopback (the sandbox). Everything else is refused:
 * `javascript:`, `file:`, `smb:`, credentials in the URL, look-alike hosts. A pure function over
 * unknown input, tested with a table of hostile URLs.
 */
export function checkDashboardUrl(
  value: unknown,
  allowedHosts: readonly string[],
): { ok: true; url: string } | { ok: false; reason: string } {
  const parsed = parseUrl(value);
  if (!parsed.ok) return parsed;
  const url = parsed.url;
  if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname))
    return { ok: true, url: url.href };
  if (url.protocol !== 'https:')
    return { ok: false, reason: `${url.protocol.replace(':', '')} links are never opened` };
  if (!allowedHosts.some((p) => hostMatches(url.hostname, p)))
    return { ok: false, reason: `${url.hostname} is not one of this provider's hosts` };
  return { ok: true, url: url.href };
}
