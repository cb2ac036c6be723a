import { z } from 'zod';

/**
 * Stable error codes. The renderer, logs and tests key off these strings, so never rename one:
 * add a new code instead.
 */
export const ErrorCode = z.enum([
  /** The request did not match the contract's schema. */
  'VALIDATION_FAILED',
  /** The caller is not Keydeck's own window (IPC sender or preview-host token/origin check). */
  'FORBIDDEN_SENDER',
  /** An organization, credential or key id that does not exist. */
  'NOT_FOUND',
  /** A pasted key that is empty, too long, has inner whitespace or invisible characters. */
  'KEY_MALFORMED',
  /** A pasted key whose prefix belongs to no provider Keydeck knows, or to another provider. */
  'KEY_UNKNOWN_PROVIDER',
  /** A test key offered where a live key belongs, or the reverse. */
  'KEY_ENVIRONMENT_MISMATCH',
  /** The provider rejected the key as unknown or malformed (e.g. Laghav INVALID_KEY). */
  'KEY_INVALID',
  /** The provider says the key was revoked (e.g. Laghav KEY_REVOKED). */
  'KEY_REVOKED',
  /** The provider says the key expired. */
  'KEY_EXPIRED',
  /** The provider saw no usable Authorization header. */
  'UNAUTHORIZED',
  /** The key is valid but may not do this (403). */
  'PROVIDER_FORBIDDEN',
  /** 429: the provider's rate limit or quota. */
  'PROVIDER_RATE_LIMITED',
  /** 5xx or an error body Keydeck could not classify. */
  'PROVIDER_ERROR',
  /** The provider answered 2xx with a body that is not what its API documents. */
  'PROVIDER_BAD_RESPONSE',
  /** The call did not finish inside its total deadline. */
  'NETWORK_TIMEOUT',
  /** DNS failure, connection refused or reset. */
  'NETWORK_ERROR',
  /** The provider answered with a redirect; Keydeck never follows one with a key attached. */
  'REDIRECT_REFUSED',
  /** A URL that is not https (loopback excepted). */
  'INSECURE_URL',
  /** A TLS handshake or certificate failure. Never bypassed. */
  'TLS_ERROR',
  /** No OS keychain: no D-Bus session, no Secret Service. */
  'KEYCHAIN_UNAVAILABLE',
  /** The keychain exists but is locked. */
  'KEYCHAIN_LOCKED',
  /** The keychain did not answer in time. */
  'KEYCHAIN_TIMEOUT',
  /** Any other keychain failure. */
  'KEYCHAIN_ERROR',
  /** The secret Keydeck expected in the keychain is gone. */
  'SECRET_MISSING',
  /** The metadata store could not be read or written. */
  'STORE_ERROR',
  /** The provider cannot do this through its API. */
  'UNSUPPORTED',
  /** Refused because it would lock Keydeck out (e.g. revoking the admin key Keydeck calls with). */
  'ADMIN_KEY_PROTECTED',
  /** The thing already exists (e.g. the same key connected twice). */
  'CONFLICT',
  /** A bug in Keydeck. The message says what failed, never a secret. */
  'INTERNAL',
  /** Session-only mode (no keychain) holds test keys only; a live key needs the OS keychain. */
  'LIVE_KEY_NEEDS_KEYCHAIN',
  /**
   * Another change to the same key, organization-environment or rotation is still running (a double
   * click, a second window). Nothing was done; try again when it has finished.
   */
  'BUSY',
  /**
   * Keydeck cannot tell, with evidence from the provider, which of the provider's keys this is (the
   * sk-style list has no last 4). Refused rather than guessed: acting on a guess could revoke another key.
   */
  'KEY_IDENTITY_UNKNOWN',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** What the provider itself said, kept verbatim (bounded) so the user can quote it to support. */
export const ProviderDetail = z.object({
  status: z.number().int().optional(),
  code: z.string().max(200).optional(),
  message: z.string().max(2000).optional(),
  requestId: z.string().max(200).optional(),
  documentationUrl: z.string().max(2000).optional(),
  contentType: z.string().max(200).optional(),
});
export type ProviderDetail = z.infer<typeof ProviderDetail>;

/** The error half of every result. `message` is plain words for the user and never holds a secret. */
export const KeydeckError = z.object({
  code: ErrorCode,
  message: z.string().max(4000),
  provider: ProviderDetail.optional(),
  /** Seconds the provider asked us to wait (Retry-After), when it said. */
  retryAfterSeconds: z.number().nonnegative().optional(),
  /** Where the schema rejected the input, for VALIDATION_FAILED. */
  issues: z
    .array(z.object({ path: z.string().max(500), message: z.string().max(500) }))
    .max(50)
    .optional(),
});
export type KeydeckError = z.infer<typeof KeydeckError>;

/** Results are values: every call answers ok or a typed error, never a throw across the boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: KeydeckError };

/**
 * A typed error the core throws internally and converts to a result at the boundary.
 * Keeping a class lets deep helpers (HTTP, keychain) abort a flow without threading results everywhere.
 */
export class KeydeckFailure extends Error {
  readonly error: KeydeckError;
  constructor(error: KeydeckError, options?: { cause?: unknown }) {
    super(error.message, options);
    this.name = 'KeydeckFailure';
    this.error = error;
  }
}

/** Throws a KeydeckFailure; a one-liner for the many "refuse with a code" sites. */
export function fail(code: ErrorCode, message: string, extra: Omit<KeydeckError, 'code' | 'message'> = {}): never {
  throw new KeydeckFailure({ code, message, ...extra });
}
