import type { Environment, ProviderId } from './domain.js';

/**
 * Key formats, as the providers' docs publish them. Detection is by prefix; the body check only
 * refuses what can never be a key, except where a provider publishes its alphabet and length
 * (LogTalk: 32 lowercase alphanumerics).
 */
export interface KeyFormat {
  provider: ProviderId;
  environment: Environment;
  prefix: string;
  /** What may follow the prefix. */
  body: RegExp;
  /** How the body should look, in words, for error messages. */
  bodyHint: string;
  /** How long the body may be (checked before its characters, so a short key is told it is short). */
  bodyLength: { min: number; max: number };
}

const GENERIC_BODY = /^[A-Za-z0-9_-]{8,300}$/;
const GENERIC_HINT = 'letters, digits, _ and -';
/** No provider but LogTalk publishes a length: Keydeck's own bounds (at least 8, at most 300). */
const GENERIC_LENGTH = { min: 8, max: 300 };
/** LogTalk publishes 32 lowercase alphanumerics after the prefix. */
const LOGTALK_LENGTH = { min: 32, max: 32 };

export const KEY_FORMATS: readonly KeyFormat[] = [
  // Laghav: `lgh_live_xxx` (production, per-plan monthly quota, billable), `lgh_test_xxx` (100 calls/day, free).
  {
    provider: 'laghav',
    environment: 'live',
    prefix: 'lgh_live_',
    body: GENERIC_BODY,
    bodyHint: GENERIC_HINT,
    bodyLength: GENERIC_LENGTH,
  },
  {
    provider: 'laghav',
    environment: 'test',
    prefix: 'lgh_test_',
    body: GENERIC_BODY,
    bodyHint: GENERIC_HINT,
    bodyLength: GENERIC_LENGTH,
  },
  // Leadey: `leadey_sk_live_…`; no test prefix is published.
  {
    provider: 'leadey',
    environment: 'live',
    prefix: 'leadey_sk_live_',
    body: GENERIC_BODY,
    bodyHint: GENERIC_HINT,
    bodyLength: GENERIC_LENGTH,
  },
  // LogTalk: `lt_live_` / `lt_test_` followed by 32 lowercase alphanumerics.
  {
    provider: 'logtalk',
    environment: 'live',
    prefix: 'lt_live_',
    body: /^[a-z0-9]{32}$/,
    bodyHint: '32 lowercase letters and digits',
    bodyLength: LOGTALK_LENGTH,
  },
  {
    provider: 'logtalk',
    environment: 'test',
    prefix: 'lt_test_',
    body: /^[a-z0-9]{32}$/,
    bodyHint: '32 lowercase letters and digits',
    bodyLength: LOGTALK_LENGTH,
  },
  // The sk-style API: `sk_live_…` (real data, billed), `sk_test_…` (no charges).
  {
    provider: 'skapi',
    environment: 'live',
    prefix: 'sk_live_',
    body: GENERIC_BODY,
    bodyHint: GENERIC_HINT,
    bodyLength: GENERIC_LENGTH,
  },
  {
    provider: 'skapi',
    environment: 'test',
    prefix: 'sk_test_',
    body: GENERIC_BODY,
    bodyHint: GENERIC_HINT,
    bodyLength: GENERIC_LENGTH,
  },
];

/** Providers that publish no key format (Legba): Keydeck cannot detect them and asks the user. */
export const PREFIXLESS_PROVIDERS: readonly ProviderId[] = ['legba'];
/** What a prefixless key must at least look like: one opaque token. */
const PREFIXLESS_BODY = /^[A-Za-z0-9_.~+/=-]{16,512}$/;
const PREFIXLESS_LENGTH = { min: 16, max: 512 };

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
  | { kind: 'unknown-prefix' }
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
export function detectFormat(key: string): KeyFormat | undefined {
  return [...KEY_FORMATS].sort((a, b) => b.prefix.length - a.prefix.length).find((f) => key.startsWith(f.prefix));
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
): KeyInspection {
  const bad = (problem: KeyProblem): KeyInspection => ({
    ok: false,
    problem,
    message: describeKeyProblem(problem, names),
  });
  const n = normalizeKey(input);
  if (!n.ok) return bad(n.problem);
  const format = detectFormat(n.key);
  if (format) {
    if (hint.provider && hint.provider !== format.provider)
      return bad({ kind: 'wrong-provider', detected: format.provider, expected: hint.provider });
    const body = n.key.slice(format.prefix.length);
    if (body.length < format.bodyLength.min || body.length > format.bodyLength.max)
      return bad({ kind: 'wrong-length', prefix: format.prefix, length: body.length, expected: format.bodyLength });
    if (!format.body.test(body)) return bad({ kind: 'bad-body', prefix: format.prefix, hint: format.bodyHint });
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
  if (hint.provider && PREFIXLESS_PROVIDERS.includes(hint.provider)) {
    if (n.key.length < PREFIXLESS_LENGTH.min)
      return bad({ kind: 'wrong-length', prefix: '', length: n.key.length, expected: PREFIXLESS_LENGTH });
    if (!PREFIXLESS_BODY.test(n.key))
      return bad({ kind: 'bad-body', prefix: '', hint: '16 to 512 letters, digits or URL-safe symbols' });
    return {
      ok: true,
      key: n.key,
      provider: hint.provider,
      environment: hint.environment ?? 'live',
      prefix: '',
      last4: lastFour(n.key),
      masked: maskKey(n.key, ''),
      detected: false,
    };
  }
  return bad({ kind: 'unknown-prefix' });
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
      return `Keydeck does not recognise this key's prefix (known: ${[...new Set(KEY_FORMATS.map((f) => f.prefix))].join(', ')}). Legba publishes no prefix: if this is a Legba key, choose Legba.`;
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
