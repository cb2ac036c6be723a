import { describe, expect, it } from 'vitest';
import { detectFormat, inspectKey, maskKey, MAX_KEY_LENGTH, normalizeKey } from '../../shared/keys.js';

const LIVE = 'lgh_live_a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV';
const TEST = 'lgh_test_Z9y8X7w6V5u4T3s2R1q0PoNmLkJiHgFe';

describe('normalizeKey', () => {
  it.each([
    ['surrounding spaces', `  ${LIVE}  `],
    ['a trailing newline from a terminal copy', `${LIVE}\n`],
    ['CRLF and tabs', `\t${LIVE}\r\n`],
    ['a byte-order mark', `\uFEFF${LIVE}`],
  ])('trims %s', (_name, input) => {
    expect(normalizeKey(input)).toEqual({ ok: true, key: LIVE });
  });

  it.each([
    ['an inner space', `${LIVE.slice(0, 12)} ${LIVE.slice(12)}`, 'inner-whitespace', 13],
    ['an inner newline', `${LIVE.slice(0, 20)}\n${LIVE.slice(20)}`, 'inner-whitespace', 21],
    ['a zero-width space', `${LIVE.slice(0, 10)}\u200B${LIVE.slice(10)}`, 'invisible-character', 11],
    ['a zero-width joiner', `${LIVE.slice(0, 10)}\u200D${LIVE.slice(10)}`, 'invisible-character', 11],
    ['a word joiner', `${LIVE.slice(0, 10)}\u2060${LIVE.slice(10)}`, 'invisible-character', 11],
    ['a Cyrillic look-alike', LIVE.replace('a1', '\u04301'), 'not-ascii', 10],
  ])('refuses %s and says where', (_name, input, kind, position) => {
    const result = normalizeKey(input);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.kind).toBe(kind);
      expect('index' in result.problem ? result.problem.index + 1 : undefined).toBe(position);
    }
  });

  it('refuses 100 KB of text without scanning it', () => {
    const result = normalizeKey('x'.repeat(100 * 1024));
    expect(result).toEqual({ ok: false, problem: { kind: 'too-long', length: 102400 } });
  });

  it('refuses a key one character over the limit, accepts one at the limit', () => {
    expect(normalizeKey('a'.repeat(MAX_KEY_LENGTH)).ok).toBe(true);
    expect(normalizeKey('a'.repeat(MAX_KEY_LENGTH + 1)).ok).toBe(false);
  });

  it('refuses an empty or blank paste', () => {
    expect(normalizeKey('   \n ')).toEqual({ ok: false, problem: { kind: 'empty' } });
  });
});

describe('inspectKey', () => {
  it('detects Laghav live and test from the prefix', () => {
    expect(inspectKey(LIVE)).toMatchObject({
      ok: true,
      provider: 'laghav',
      environment: 'live',
      prefix: 'lgh_live_',
      last4: 'sTuV',
    });
    expect(inspectKey(TEST)).toMatchObject({
      ok: true,
      provider: 'laghav',
      environment: 'test',
      prefix: 'lgh_test_',
      last4: 'HgFe',
    });
  });

  it.each([
    ['an unknown prefix', 'pk_live_abcdefghijklmnop', 'unknown-prefix'],
    ['a LogTalk key with uppercase', `lt_live_${'A'.repeat(32)}`, 'bad-body'],
    ['a LogTalk key one character short', `lt_live_${'a'.repeat(31)}`, 'wrong-length'],
    ['a prefix alone', 'lgh_live_', 'wrong-length'],
    ['a too-short body', 'lgh_live_abc', 'wrong-length'],
    ['a body with punctuation', 'lgh_live_abcdefgh!@#$', 'bad-body'],
    ['an uppercase prefix', 'LGH_LIVE_abcdefghijkl', 'unknown-prefix'],
  ])('refuses %s', (_name, input, kind) => {
    const result = inspectKey(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.kind).toBe(kind);
  });

  it('tells a too-short key it is too short, with the expected length, before judging its characters', () => {
    const short = inspectKey('lgh_live_abc');
    expect(short.ok).toBe(false);
    if (!short.ok)
      expect(short.message).toBe(
        'The key is too short: Keydeck expects at least 8 characters after lgh_live_, and this has 3. Copy it again in full.',
      );
    const logtalk = inspectKey(`lt_live_${'a'.repeat(31)}`);
    if (!logtalk.ok) expect(logtalk.message).toContain('Keydeck expects 32 characters after lt_live_, and this has 31');
    const legba = inspectKey('abc', { provider: 'legba' });
    if (!legba.ok) expect(legba.message).toContain('too short');
  });

  it('never echoes the key in its messages', () => {
    const bad = `${LIVE.slice(0, 15)} ${LIVE.slice(15)}`;
    const result = inspectKey(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).not.toContain(LIVE.slice(9, 15));
      expect(result.message).toContain('character 16');
    }
  });
});

describe('every provider’s published format', () => {
  it.each([
    ['lgh_live_AbCdEfGh12345678', 'laghav', 'live'],
    ['lgh_test_AbCdEfGh12345678', 'laghav', 'test'],
    ['leadey_sk_live_Xy3fAbCdEfGha1b2', 'leadey', 'live'],
    [`lt_live_${'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6'}`, 'logtalk', 'live'],
    [`lt_test_${'a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6'}`, 'logtalk', 'test'],
    ['sk_live_abc123xyz789abc', 'skapi', 'live'],
    ['sk_test_abc123xyz789abc', 'skapi', 'test'],
  ])('%s → %s %s', (key, provider, environment) => {
    expect(inspectKey(key)).toMatchObject({ ok: true, provider, environment, detected: true });
  });

  it('tells a Leadey key from an sk-style one (longest prefix wins)', () => {
    expect(inspectKey('leadey_sk_live_Xy3fAbCdEfGha1b2')).toMatchObject({
      provider: 'leadey',
      masked: 'leadey_sk_live_••••a1b2',
    });
  });

  it('accepts a prefixless key only when the user says it is Legba, in the environment they say', () => {
    const opaque = 'Zq8mN2vX7cL4kP9rT1wY6bH3jF5dG0sA';
    expect(inspectKey(opaque).ok).toBe(false);
    expect(inspectKey(opaque, { provider: 'legba' })).toMatchObject({
      ok: true,
      provider: 'legba',
      environment: 'live',
      prefix: '',
      masked: '••••G0sA',
      detected: false,
    });
    expect(inspectKey(opaque, { provider: 'legba', environment: 'test' })).toMatchObject({
      ok: true,
      environment: 'test',
    });
    expect(inspectKey('short', { provider: 'legba' }).ok).toBe(false);
  });

  it('catches a key of another provider in a provider’s slot', () => {
    const r = inspectKey(
      'lgh_live_AbCdEfGh12345678',
      { provider: 'logtalk' },
      { laghav: 'Laghav', logtalk: 'LogTalk' },
    );
    expect(r).toMatchObject({
      ok: false,
      problem: { kind: 'wrong-provider' },
      message: 'This looks like a Laghav key, not a LogTalk key.',
    });
  });
});

describe('maskKey', () => {
  it('shows the prefix, a fixed mask and the last four', () => {
    expect(maskKey(LIVE)).toBe('lgh_live_••••sTuV');
    expect(maskKey('lgh_live_xxxxxxxxa1b2')).toBe('lgh_live_••••a1b2');
  });
  it('does not reveal the length', () => {
    expect(maskKey('lgh_test_aaaaaaaa1234')).toBe(maskKey('lgh_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaa1234'));
  });
  it('detects the longest matching prefix', () => {
    expect(detectFormat(TEST)?.environment).toBe('test');
  });
});
