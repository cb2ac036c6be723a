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
    expect(inspectKey(LIVE)).toMatchObject({ ok: true, provider: 'laghav', environment: 'live', prefix: 'lgh_live_', last4: 'sTuV' });
    expect(inspectKey(TEST)).toMatchObject({ ok: true, provider: 'laghav', environment: 'test', prefix: 'lgh_test_', last4: 'HgFe' });
  });

  it.each([
    ['an unknown prefix', 'sk_live_abcdefghijklmnop', 'unknown-prefix'],
    ['a prefix alone', 'lgh_live_', 'bad-body'],
    ['a too-short body', 'lgh_live_abc', 'bad-body'],
    ['a body with punctuation', 'lgh_live_abcdefgh!@#$', 'bad-body'],
    ['an uppercase prefix', 'LGH_LIVE_abcdefghijkl', 'unknown-prefix'],
  ])('refuses %s', (_name, input, kind) => {
    const result = inspectKey(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem.kind).toBe(kind);
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
