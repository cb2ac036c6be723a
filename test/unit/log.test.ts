import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { containsSecret, createLogger, mentionsSecret, redact, scrub, scrubDeep } from '../../electron/core/log.js';
import { detectFormat } from '../../shared/keys.js';

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
    logger.log('error', 'call.crashed', {
      error: new Error(`failed with Bearer ${KEY}`, { cause }),
      url: `https://x.test/?k=${KEY}`,
      headers: { authorization: `Bearer ${KEY}` },
    });
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
    for (const echo of [
      legba,
      legba.slice(0, 20),
      encodeURIComponent(legba),
      legba.toUpperCase(),
      legba.toLowerCase(),
    ]) {
      const out = scrub(`Invalid key ${echo} (request 42)`, [legba], { keyShaped: false });
      expect(out, echo).not.toContain(echo.slice(0, 16));
      expect(out).toContain('(request 42)');
    }
    const other = 'lgh_live_zzzzzzzzzzzzzzzzzzzz';
    expect(scrub(`new key ${other}`, ['lgh_live_abcdefghijklmnopqrst'], { keyShaped: false })).toContain(other);
  });
});

describe('scrubDeep finds the caller’s key wherever it sits in a parsed answer (one pass over the answer first)', () => {
  const secret = 'lgh_live_Q7f3Kp9ZxW2mN8bV4cR6tY1uH5jL0aSd';
  const body = secret.slice('lgh_live_'.length);
  it.each([
    ['whole, deep in an array', { data: [{ meta: { note: `echo ${secret}` } }] }],
    ['a 12-character run, upper-cased', { error: { message: `bad key …${body.slice(5, 17).toUpperCase()}…` } }],
    ['percent-encoded', { request: { url: `/keys?k=${encodeURIComponent(secret)}` } }],
    ['next to characters JSON escapes', { m: `"\\\n\u0001${body}\t"` }],
    ['as an object key', { [secret]: 'x' }],
  ])('%s', (_name, value) => {
    const out = scrubDeep(value, [secret]);
    expect(JSON.stringify(out).toLowerCase()).not.toContain(body.slice(0, 12).toLowerCase());
  });

  it('answers an equal copy when the answer holds nothing of the key', () => {
    const value = { data: [{ id: 'key_1', name: 'Web app', masked: 'lgh_live_••••a1b2' }], unicode: 'İstanbul ﬀ' };
    const out = scrubDeep(value, [secret]);
    expect(out).toEqual(value);
    expect(out).not.toBe(value);
  });
});

describe('mentionsSecret searches aligned blocks, and finds exactly what a search for every 12-character run finds', () => {
  /** The definition: any 12-character run of a secret's body (after its public prefix), as sent or percent-encoded, any ASCII case. */
  function reference(text: string, secret: string): boolean {
    const lower = (x: string) => x.replace(/[A-Z]/g, (c) => c.toLowerCase());
    const haystack = lower(text);
    return [secret, encodeURIComponent(secret)].some((form) => {
      if (form.length < 12 || text.length < 12) return false;
      const start = Math.min(detectFormat(form)?.prefix.length ?? 0, form.length - 12);
      for (let i = start; i + 12 <= form.length; i++) if (haystack.includes(lower(form.slice(i, i + 12)))) return true;
      return false;
    });
  }
  // A small alphabet, so texts made of pieces of the secret and noise often hold runs of 11, 12 and 13 characters.
  const alphabet = fc.constantFrom(...'abAB01+/='.split(''));
  const secrets = fc.oneof(
    fc.string({ unit: alphabet, minLength: 8, maxLength: 50 }),
    fc.string({ unit: alphabet, minLength: 20, maxLength: 40 }).map((body) => `lgh_live_${body}`),
  );
  it('on random texts built from pieces of the secret (5,000 cases)', () => {
    fc.assert(
      fc.property(
        secrets,
        fc.array(fc.tuple(fc.nat(60), fc.nat(16), fc.string({ unit: alphabet, maxLength: 4 }), fc.boolean()), {
          maxLength: 6,
        }),
        (secret, pieces) => {
          const text = pieces
            .map(
              ([at, len, noise, upper]) =>
                (upper ? secret.slice(at, at + len).toUpperCase() : secret.slice(at, at + len)) + noise,
            )
            .join('');
          expect(mentionsSecret(text, [secret])).toBe(reference(text, secret));
        },
      ),
      { numRuns: 5000 },
    );
  });
  it('at the edges: 11 characters no, 12 yes, the public prefix never counts, and scrub agrees', () => {
    const secret = 'lgh_live_Q7f3Kp9ZxW2mN8bV4cR6tY1uH5jL0aSd';
    const body = secret.slice(9);
    for (let at = 0; at + 12 <= body.length; at++) {
      expect(mentionsSecret(`#${body.slice(at, at + 12)}#`, [secret]), `12 at ${at}`).toBe(true);
      expect(mentionsSecret(`#${body.slice(at, at + 11)}# and more text, ###`, [secret]), `11 at ${at}`).toBe(false);
    }
    expect(mentionsSecret(`lgh_live_${body.slice(0, 11)}`, [secret])).toBe(false);
    expect(scrub(`echo ${body.slice(3, 15)} end`, [secret], { keyShaped: false })).toBe('echo •••• end');
    expect(scrub(`echo ${body.slice(3, 14)} end`, [secret], { keyShaped: false })).toBe(
      `echo ${body.slice(3, 14)} end`,
    );
  });
});
