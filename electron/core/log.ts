import { KEY_FORMATS } from '../../shared/keys.js';

/**
 * The public key prefixes Keydeck knows: the built-in providers' and, as the registry meets them, those
 * of providers added from a manifest (learnKeyPrefixes). Only ever grows: knowing one more prefix only
 * masks more.
 */
const knownPrefixes = new Set(KEY_FORMATS.filter((f) => f.prefix !== '').map((f) => f.prefix));
/** Prefixes at least this long count as "key-shaped" (shorter ones, `ak_`, would catch ordinary ids and names). */
const SHAPE_PREFIX_MIN = 6;

function keyPattern(from: Iterable<string> = knownPrefixes): RegExp {
  const prefixes = [...from]
    .filter((p) => p.length >= SHAPE_PREFIX_MIN)
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(${prefixes.join('|')})([A-Za-z0-9_-]{8,})`, 'g');
}
/**
 * A full key of a built-in format: what the metadata and key-cache guards refuse to write. Fixed: a
 * manifest's prefix (`pathPa`, `DATABASE_`) must never make Keydeck refuse its own writes.
 */
const BUILTIN_KEY_PATTERN = keyPattern(new Set(knownPrefixes));
/** Anything that looks like a full key of a known format, added providers' too: what redaction masks. */
let KEY_PATTERN = keyPattern();

/** Teaches the redaction the prefixes of providers added from manifests (called by the provider registry). */
export function learnKeyPrefixes(prefixes: readonly string[]): void {
  const before = knownPrefixes.size;
  for (const p of prefixes) if (/^[A-Za-z0-9_-]{3,40}$/.test(p)) knownPrefixes.add(p);
  if (knownPrefixes.size !== before) KEY_PATTERN = keyPattern();
}

/**
 * The length of a secret's public prefix (the longest known one it starts with): the part another key of
 * the same format shares, so never what identifies this key in provider text.
 */
function publicPrefixLength(secret: string): number {
  let longest = 0;
  for (const p of knownPrefixes) if (p.length > longest && secret.startsWith(p)) longest = p.length;
  return longest;
}
/** Bearer tokens in headers or pasted curl lines, whatever their format. */
const BEARER_PATTERN = /(Bearer\s+)([^\s"',;]{4,})/gi;

/** True if `text` holds something shaped like a full built-in key. Used to refuse writes and to test logs. */
export function containsSecret(text: string): boolean {
  BUILTIN_KEY_PATTERN.lastIndex = 0;
  return BUILTIN_KEY_PATTERN.test(text);
}

/** Replaces every key-shaped substring with its mask (prefix, ••••, last 4) and every bearer token with ••••. */
export function redact(text: string): string {
  return text
    .replace(KEY_PATTERN, (_m, prefix: string, body: string) => `${prefix}••••${body.slice(-4)}`)
    .replace(BEARER_PATTERN, (_m, head: string) => `${head}••••`);
}

/** Shortest run of a secret's characters that counts as (part of) the secret when found in other text. */
const SECRET_FRAGMENT = 12;

/**
 * Removes the given secrets from text a provider sent (an error message, a request id), whole or in
 * part (any run of 12+ characters of a key's body, so a truncated echo is caught too), then, unless
 * `keyShaped` is false, every key-shaped substring and bearer token. Knowing the caller's own secret
 * is what finds a prefixless key (Legba), which is not key-shaped.
 */
export function scrub(text: string, secrets: readonly string[] = [], { keyShaped = true } = {}): string {
  // Most text mentions no secret: one quick look, and nothing to rebuild.
  if (!mentionsSecret(text, secrets)) return keyShaped ? redact(text) : text;
  let out = text;
  // The key as sent, and as a provider might echo it: percent-encoded (a Legba key may hold `+/=`),
  // or in another letter case (matched case-insensitively below).
  for (const secret of secretForms(secrets)) {
    if (secret.length < SECRET_FRAGMENT || out.length < SECRET_FRAGMENT) continue;
    const covered = new Uint8Array(out.length);
    let any = false;
    // ASCII-only lower case keeps every index where it was.
    const haystack = asciiLower(out);
    // Fragments start after the public prefix: another key of the same format shares the prefix only.
    const start = Math.min(publicPrefixLength(secret), secret.length - SECRET_FRAGMENT);
    for (let i = start; i + SECRET_FRAGMENT <= secret.length; i++) {
      const fragment = asciiLower(secret.slice(i, i + SECRET_FRAGMENT));
      for (let at = haystack.indexOf(fragment); at !== -1; at = haystack.indexOf(fragment, at + 1)) {
        covered.fill(1, at, at + SECRET_FRAGMENT);
        any = true;
      }
    }
    if (!any) continue;
    let rebuilt = '';
    for (let i = 0; i < out.length; i++) {
      if (!covered[i]) rebuilt += out[i];
      else if (i === 0 || !covered[i - 1]) rebuilt += '••••';
    }
    out = rebuilt;
  }
  return keyShaped ? redact(out) : out;
}

/**
 * The caller's own secrets removed from every string inside a JSON value (a provider's parsed
 * answer), as a copy. Key-shaped strings are kept unless asked: a create answer carries the new key.
 */
export function scrubDeep<T>(
  value: T,
  secrets: readonly string[],
  options: { keyShaped?: boolean } = { keyShaped: false },
): T {
  // Fast path, one pass over the whole answer: every string of a JSON value appears verbatim in its
  // JSON text (JSON.stringify escapes only quotes, backslashes and control characters, never a
  // character of a key or of its percent-encoding), so when that text holds no fragment of a secret,
  // no string inside does and there is nothing to remove. A fragment found (even across two strings)
  // takes the string-by-string path below.
  if (!options.keyShaped && value !== null && typeof value === 'object') {
    let flat: string | undefined;
    try {
      flat = JSON.stringify(value);
    } catch {
      flat = undefined;
    }
    if (flat !== undefined && !mentionsSecret(flat, secrets)) return structuredClone(value);
  }
  return scrubEach(value, secrets, options);
}

function scrubEach<T>(value: T, secrets: readonly string[], options: { keyShaped?: boolean }): T {
  if (typeof value === 'string') return scrub(value, secrets, options) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubEach(v, secrets, options)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    // Names too: a hostile answer may put the key where a field name goes.
    for (const [k, v] of Object.entries(value)) out[scrub(k, secrets, options)] = scrubEach(v, secrets, options);
    return out as T;
  }
  return value;
}

/** Lower case for ASCII letters only, so every index stays where it was (native speed for ASCII text). */
function asciiLower(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(text) ? text.replace(/[A-Z]/g, (c) => c.toLowerCase()) : text.toLowerCase();
}

/** The forms of the caller's secrets a provider might echo: as sent, and percent-encoded. */
function secretForms(secrets: readonly string[]): string[] {
  return secrets.flatMap((s) => [s, encodeURIComponent(s)]).filter((s, i, all) => all.indexOf(s) === i);
}

/** Length of the aligned blocks `mentionsSecret` searches for: every 12-character run holds one whole (12 ≥ 2 × 6 − 1). */
const BLOCK = SECRET_FRAGMENT / 2;

/**
 * Whether `text` holds any run of 12+ characters of a secret's body (any letter case), as `scrub` finds them.
 * Exact, in a handful of searches rather than one per 12-character run: any such run contains one of the body's
 * aligned 6-character blocks whole, so only those blocks are searched for, and each place one is found is extended
 * both ways along the secret to see whether the run there reaches 12.
 */
export function mentionsSecret(text: string, secrets: readonly string[]): boolean {
  if (text.length < SECRET_FRAGMENT) return false;
  const haystack = asciiLower(text);
  for (const secret of secretForms(secrets)) {
    if (secret.length < SECRET_FRAGMENT) continue;
    const lower = asciiLower(secret);
    const start = Math.min(publicPrefixLength(secret), secret.length - SECRET_FRAGMENT);
    for (let j = start; j + BLOCK <= lower.length; j += BLOCK) {
      const block = lower.slice(j, j + BLOCK);
      for (let at = haystack.indexOf(block); at !== -1; at = haystack.indexOf(block, at + 1)) {
        let left = 0;
        while (j - left > start && at - left > 0 && haystack[at - left - 1] === lower[j - left - 1]) left++;
        let right = BLOCK;
        while (j + right < lower.length && at + right < haystack.length && haystack[at + right] === lower[j + right])
          right++;
        if (left + right >= SECRET_FRAGMENT) return true;
      }
    }
  }
  return false;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface Logger {
  log(level: LogLevel, event: string, fields?: Record<string, unknown>): void;
}

/** Renders an error and its cause chain as text, for redaction before it reaches any sink. */
function describe(value: unknown, depth = 0): string {
  if (value instanceof Error) {
    const cause = depth < 4 && value.cause !== undefined ? ` (cause: ${describe(value.cause, depth + 1)})` : '';
    return `${value.name}: ${value.message}${cause}`;
  }
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A structured logger that redacts every line as a whole, after formatting, so a key hidden in a
 * URL, a header, an error message or an error's cause is masked wherever it sits.
 */
export function createLogger(sink: (line: string) => void, minLevel: LogLevel = 'info'): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  return {
    log(level, event, fields = {}) {
      if (order.indexOf(level) < order.indexOf(minLevel)) return;
      const rendered = Object.entries(fields)
        .map(([k, v]) => `${k}=${describe(v)}`)
        .join(' ');
      try {
        sink(redact(`${new Date().toISOString()} ${level.toUpperCase()} ${event}${rendered ? ` ${rendered}` : ''}`));
      } catch {
        // A log that cannot be written (a full disk, a removed folder) must never fail what it describes.
      }
    },
  };
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = { log: () => undefined };
