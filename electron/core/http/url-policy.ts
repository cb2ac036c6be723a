/** Loopback hosts, the only place plain http is allowed (the provider sandbox in tests and the demo). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Keydeck only sends a key over https, or over http to loopback. Returns a reason when refused.
 * A pure function over unknown input, tested with a table of hostile URLs.
 */
export function checkApiUrl(value: unknown): { ok: true; url: URL } | { ok: false; reason: string } {
  if (typeof value !== 'string' || value.length > 2000) return { ok: false, reason: 'not a URL' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.username || url.password) return { ok: false, reason: 'URLs with credentials are refused' };
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return { ok: true, url };
  return { ok: false, reason: `${url.protocol.replace(':', '')} is refused: Keydeck sends keys over https only (plain http only to this computer)` };
}
