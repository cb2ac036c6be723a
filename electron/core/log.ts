import { KEY_FORMATS } from '../../shared/keys.js';

/** Anything that looks like a full key of a known format: a prefix followed by 8+ key characters. */
const KEY_PATTERN = new RegExp(
  `(${[...new Set(KEY_FORMATS.map((f) => f.prefix))].map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})([A-Za-z0-9_-]{8,})`,
  'g',
);
/** Bearer tokens in headers or pasted curl lines, whatever their format. */
const BEARER_PATTERN = /(Bearer\s+)([^\s"',;]{4,})/gi;

/** True if `text` holds something shaped like a full key. Used to refuse writes and to test logs. */
export function containsSecret(text: string): boolean {
  KEY_PATTERN.lastIndex = 0;
  return KEY_PATTERN.test(text);
}

/** Replaces every key-shaped substring with its mask (prefix, ••••, last 4) and every bearer token with ••••. */
export function redact(text: string): string {
  return text
    .replace(KEY_PATTERN, (_m, prefix: string, body: string) => `${prefix}••••${body.slice(-4)}`)
    .replace(BEARER_PATTERN, (_m, head: string) => `${head}••••`);
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
      sink(redact(`${new Date().toISOString()} ${level.toUpperCase()} ${event}${rendered ? ` ${rendered}` : ''}`));
    },
  };
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = { log: () => undefined };
