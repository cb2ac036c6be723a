import type { Environment, ProviderId } from './domain.js';

/**
 * How one provider's keys look in one environment, as its docs (or its manifest) publish them:
 * the prefix, then `length` characters from the `charset` character class. Prefix '' is a provider
 * that publishes none (Legba): Keydeck cannot detect such a key and the person says whose it is.
 * Plain data, so the window checks a paste with the same rules as the core.
 */
export interface KeyFormatInfo {
  environment: Environment;
  prefix: string;
  /** The body's alphabet as the inside of a regular-expression character class, e.g. `a-z0-9` (from a closed list). */
  charset: string;
  /** The alphabet in words, for error messages. */
  hint: string;
  /** How long the body may be (checked before its characters, so a short key is told it is short). */
  length: { min: number; max: number };
}

export interface KeyFormat extends KeyFormatInfo {
  provider: ProviderId;
}

const GENERIC = { charset: 'A-Za-z0-9_-', hint: 'letters, digits, _ and -' };
/** No provider but LogTalk publishes a length: Keydeck's own bounds (at least 8, at most 300). */
const GENERIC_LENGTH = { min: 8, max: 300 };
/** LogTalk publishes 32 lowercase alphanumerics after the prefix. */
const LOGTALK = { charset: 'a-z0-9', hint: '32 lowercase letters and digits', length: { min: 32, max: 32 } };
/** What a prefixless key must at least look like: one opaque token. */
const PREFIXLESS = {
  prefix: '',
  charset: 'A-Za-z0-9_.~+/=-',
  hint: '16 to 512 letters, digits or URL-safe symbols',
  length: { min: 16, max: 512 },
};

/** The built-in providers' formats; a provider added from a manifest brings its own (ProviderInfo.keyFormats). */
export const KEY_FORMATS: readonly KeyFormat[] = [
  // Laghav: `lgh_live_xxx` (production, per-plan monthly quota, billable), `lgh_test_xxx` (100 calls/day, free).
  { provider: 'laghav', environment: 'live', prefix: 'lgh_live_', ...GENERIC, length: GENERIC_LENGTH },
  { provider: 'laghav', environment: 'test', prefix: 'lgh_test_', ...GENERIC, length: GENERIC_LENGTH },
  // Leadey: `leadey_sk_live_…`; no test prefix is published.
  { provider: 'leadey', environment: 'live', prefix: 'leadey_sk_live_', ...GENERIC, length: GENERIC_LENGTH },
  // LogTalk: `lt_live_` / `lt_test_` followed by 32 lowercase alphanumerics.
  { provider: 'logtalk', environment: 'live', prefix: 'lt_live_', ...LOGTALK },
  { provider: 'logtalk', environment: 'test', prefix: 'lt_test_', ...LOGTALK },
  // The sk-style API: `sk_live_…` (real data, billed), `sk_test_…` (no charges).
  { provider: 'skapi', environment: 'live', prefix: 'sk_live_', ...GENERIC, length: GENERIC_LENGTH },
  { provider: 'skapi', environment: 'test', prefix: 'sk_test_', ...GENERIC, length: GENERIC_LENGTH },
  // Legba publishes no key format.
  { provider: 'legba', environment: 'live', ...PREFIXLESS },
  { provider: 'legba', environment: 'test', ...PREFIXLESS },
];

/** Every provider's formats, from what the window or the core knows of the providers. */
export function formatsOf(providers: readonly { id: ProviderId; keyFormats: readonly KeyFormatInfo[] }[]): KeyFormat[] {
  return providers.flatMap((p) => p.keyFormats.map((f) => ({ ...f, provider: p.id })));
}

/** Providers that publish no key format (Legba): Keydeck cannot detect their keys and asks the person. */
export function prefixlessProviders(formats: readonly KeyFormat[] = KEY_FORMATS): ProviderId[] {
  return [...new Set(formats.filter((f) => f.prefix === '').map((f) => f.provider))];
}

const BODIES = new Map<string, RegExp>();
/** The body check of a format; the class comes from a closed list (manifest/schema.ts CHARSETS) or the list above. */
function bodyPattern(charset: string): RegExp {
  let re = BODIES.get(charset);
  if (!re) BODIES.set(charset, (re = new RegExp(`^[${charset}]+$`)));
  return re;
}

/** Longest key Keydeck accepts. Real keys are well under 300 characters; this refuses pasted files. */
export const MAX_KEY_LENGTH = 512;

/** Characters a copy from a web page or chat can smuggle in and that are invisible on screen. */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

export type KeyProblem =
  | { kind: 'empty' }
  | { kind: 'too-long'; length: number }
  | { kind: 'inner-whitespace'; index: number }
  | { kind: 'invisible-character'; index: number; codePoint: string }
  | { kind: 'not-ascii'; index: number }
  | { kind: 'unknown-prefix'; known?: string[]; prefixless?: string[] }
  | { kind: 'wrong-provider'; detected: ProviderId; expected: ProviderId }
  | { kind: 'bad-body'; prefix: string; hint: string }
  | { kind: 'wrong-length'; prefix: string; length: number; expected: { min: number; max: number } };

export type NormalizedKey = { ok: true; key: string } | { ok: false; problem: KeyProblem };

/**
 * Trims surrounding whitespace (a paste often carries a newline) and refuses anything that would
 * make a key silently differ from what the user sees: inner whitespace, invisible characters,
 * non-ASCII look-alikes, or a pasted document instead of a key.
 */
export function normalizeKey(input: string): NormalizedKey {
  if (input.length > MAX_KEY_LENGTH * 4) return { ok: false, problem: { kind: 'too-long', length: input.length } };
  const key = input
    .trim()
    .replace(/^\uFEFF+|\uFEFF+$/gu, '')
    .trim();
  if (key.length === 0) return { ok: false, problem: { kind: 'empty' } };
  if (key.length > MAX_KEY_LENGTH) return { ok: false, problem: { kind: 'too-long', length: key.length } };
  for (let i = 0; i < key.length; i++) {
    const ch = key[i] ?? '';
    if (/\s/u.test(ch)) return { ok: false, problem: { kind: 'inner-whitespace', index: i } };
    if (INVISIBLE.test(ch)) {
      const codePoint = `U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      return { ok: false, problem: { kind: 'invisible-character', index: i, codePoint } };
    }
    const code = ch.charCodeAt(0);
    if (code < 0x21 || code > 0x7e) return { ok: false, problem: { kind: 'not-ascii', index: i } };
  }
  return { ok: true, key };
}

/** The format a key matches, or undefined. Longest prefix wins (`leadey_sk_live_` before `sk_live_`). */
export function detectFormat(key: string, formats: readonly KeyFormat[] = KEY_FORMATS): KeyFormat | undefined {
  return [...formats]
    .filter((f) => f.prefix !== '')
    .sort((a, b) => b.prefix.length - a.prefix.length)
    .find((f) => key.startsWith(f.prefix));
}

export type KeyInspection =
  | {
      ok: true;
      key: string;
      provider: ProviderId;
      environment: Environment;
      prefix: string;
      last4: string;
      masked: string;
      detected: boolean;
    }
  | { ok: false; problem: KeyProblem; message: string };

/** What the user told Keydeck about a key it cannot detect (or expects). */
export interface KeyHint {
  provider?: ProviderId;
  environment?: Environment;
}

/**
 * Normalises, detects provider and environment, and checks the body. A key with no known prefix
 * is accepted only for a prefixless provider the user chose (Legba), in the environment the user
 * chose (live by default). Never echoes the key in a message.
 */
export function inspectKey(
  input: string,
  hint: KeyHint = {},
  names: Partial<Record<ProviderId, string>> = {},
  formats: readonly KeyFormat[] = KEY_FORMATS,
): KeyInspection {
  const bad = (problem: KeyProblem): KeyInspection => ({
    ok: false,
    problem,
    message: describeKeyProblem(problem, names),
  });
  const n = normalizeKey(input);
  if (!n.ok) return bad(n.problem);
  const format = detectFormat(n.key, formats);
  if (format) {
    if (hint.provider && hint.provider !== format.provider)
      return bad({ kind: 'wrong-provider', detected: format.provider, expected: hint.provider });
    const body = n.key.slice(format.prefix.length);
    if (body.length < format.length.min || body.length > format.length.max)
      return bad({ kind: 'wrong-length', prefix: format.prefix, length: body.length, expected: format.length });
    if (!bodyPattern(format.charset).test(body))
      return bad({ kind: 'bad-body', prefix: format.prefix, hint: format.hint });
    return {
      ok: true,
      key: n.key,
      provider: format.provider,
      environment: format.environment,
      prefix: format.prefix,
      last4: lastFour(n.key),
      masked: maskKey(n.key, format.prefix),
      detected: true,
    };
  }
  const unprefixed = hint.provider ? formats.filter((f) => f.provider === hint.provider && f.prefix === '') : [];
  const chosen = unprefixed.find((f) => f.environment === (hint.environment ?? 'live')) ?? unprefixed[0];
  if (chosen) {
    if (n.key.length < chosen.length.min || n.key.length > chosen.length.max)
      return bad({ kind: 'wrong-length', prefix: '', length: n.key.length, expected: chosen.length });
    if (!bodyPattern(chosen.charset).test(n.key)) return bad({ kind: 'bad-body', prefix: '', hint: chosen.hint });
    return {
      ok: true,
      key: n.key,
      provider: chosen.provider,
      environment: hint.environment ?? chosen.environment,
      prefix: '',
      last4: lastFour(n.key),
      masked: maskKey(n.key, ''),
      detected: false,
    };
  }
  return bad({
    kind: 'unknown-prefix',
    known: [...new Set(formats.filter((f) => f.prefix !== '').map((f) => f.prefix))],
    prefixless: prefixlessProviders(formats).map((id) => names[id] ?? id),
  });
}

/** Plain words for each problem. Positions are 1-based, as a person counts. */
export function describeKeyProblem(p: KeyProblem, names: Partial<Record<ProviderId, string>> = {}): string {
  const name = (id: ProviderId) => names[id] ?? id;
  switch (p.kind) {
    case 'empty':
      return 'Paste an API key first.';
    case 'too-long':
      return `That is ${p.length.toLocaleString('en-US')} characters; an API key is at most ${MAX_KEY_LENGTH}. Paste only the key.`;
    case 'inner-whitespace':
      return `The key has a space or line break at character ${p.index + 1}. Copy it again in one piece.`;
    case 'invisible-character':
      return `The key has an invisible character (${p.codePoint}) at character ${p.index + 1}, often added by chat apps or web pages. Copy it again from the provider.`;
    case 'not-ascii':
      return `The key has a character at position ${p.index + 1} that no API key uses (a look-alike letter or symbol). Copy it again from the provider.`;
    case 'unknown-prefix':
      return `Keydeck does not recognise this key's prefix${p.known?.length ? ` (known: ${p.known.join(', ')})` : ''}.${
        p.prefixless?.length
          ? p.prefixless.length === 1
            ? ` ${p.prefixless[0]} publishes no prefix: if this is a ${p.prefixless[0]} key, choose ${p.prefixless[0]}.`
            : ` ${p.prefixless.join(', ')} publish no prefix: if this is such a key, choose its provider.`
          : ''
      }`;
    case 'wrong-provider':
      return `This looks like a ${name(p.detected)} key, not a ${name(p.expected)} key.`;
    case 'wrong-length': {
      const { min, max } = p.expected;
      const expected =
        min === max ? `${min} characters` : p.length < min ? `at least ${min} characters` : `at most ${max} characters`;
      const what = p.length < min ? 'too short' : 'too long';
      return p.prefix
        ? `The key is ${what}: Keydeck expects ${expected} after ${p.prefix}, and this has ${p.length}. Copy it again in full.`
        : `The key is ${what}: Keydeck expects ${expected}, and this has ${p.length}. Copy it again in full.`;
    }
    case 'bad-body':
      return p.prefix
        ? `The key starts with ${p.prefix} but the rest is not ${p.hint}. Copy it again in full.`
        : `This does not look like an API key (expected ${p.hint}).`;
  }
}

/** The last four characters, the only part of a secret Keydeck ever stores or logs. */
export function lastFour(key: string): string {
  return key.slice(-4);
}

/** `lgh_live_••••a1b2`: the prefix, a fixed-width mask, the last four. Never reveals the length. */
export function maskKey(key: string, prefix = detectFormat(key)?.prefix ?? ''): string {
  return `${prefix}••••${lastFour(key)}`;
}

/** The mask from stored public parts, when the secret itself is not at hand. */
export function maskFromParts(prefix: string, last4: string): string {
  return `${prefix}••••${last4}`;
}
