import { describe, expect, it } from 'vitest';
import { containsSecret, createLogger, redact } from '../../electron/core/log.js';

const KEY = 'lgh_live_S3cr3tS3cr3tS3cr3tS3cr3tAbCd';

describe('redaction', () => {
  it.each([
    ['an Authorization header', `authorization: Bearer ${KEY}`],
    ['a URL', `GET https://api.laghav.ai/api/keys?api_key=${KEY}`],
    ['JSON', JSON.stringify({ key: KEY })],
    ['a test key', KEY.replace('live', 'test')],
  ])('masks a key in %s', (_name, text) => {
    const out = redact(text);
    expect(out).not.toContain(KEY.slice(9, 30));
    expect(out).toContain('••••');
  });

  it('masks bearer tokens of any format', () => {
    expect(redact('Authorization: Bearer sk_unknown_format_123456')).toBe('Authorization: Bearer ••••');
  });

  it('keeps the last four for recognition', () => {
    expect(redact(KEY)).toBe('lgh_live_••••AbCd');
  });

  it('the logger masks keys in fields, error messages and error causes', () => {
    const lines: string[] = [];
    const logger = createLogger((l) => lines.push(l));
    const cause = new Error(`upstream said ${KEY}`);
    logger.log('error', 'call.crashed', { error: new Error(`failed with Bearer ${KEY}`, { cause }), url: `https://x.test/?k=${KEY}`, headers: { authorization: `Bearer ${KEY}` } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(KEY);
    expect(lines[0]).not.toContain(KEY.slice(9, 20));
    expect(lines[0]).toContain('call.crashed');
    expect(lines[0]).toContain('cause: Error: upstream said lgh_live_••••AbCd');
  });

  it('containsSecret finds a key and ignores masks and prefixes', () => {
    expect(containsSecret(`x ${KEY} y`)).toBe(true);
    expect(containsSecret('lgh_live_••••AbCd and lgh_live_')).toBe(false);
  });
});

describe('scrub: provider text that echoes the caller’s key', () => {
  it('removes the key whole, cut short, percent-encoded or in another case, and keeps other keys of the same format', async () => {
    const { scrub } = await import('../../electron/core/log.js');
    const legba = 'AbCdEfGh+ijkl/mnopQRST=uvwx0123';
    for (const echo of [legba, legba.slice(0, 20), encodeURIComponent(legba), legba.toUpperCase(), legba.toLowerCase()]) {
      const out = scrub(`Invalid key ${echo} (request 42)`, [legba], { keyShaped: false });
      expect(out, echo).not.toContain(echo.slice(0, 16));
      expect(out).toContain('(request 42)');
    }
    const other = 'lgh_live_zzzzzzzzzzzzzzzzzzzz';
    expect(scrub(`new key ${other}`, ['lgh_live_abcdefghijklmnopqrst'], { keyShaped: false })).toContain(other);
  });
});
