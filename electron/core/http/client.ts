import type * as UndiciModule from 'undici';
import type { Dispatcher } from 'undici';

/**
 * undici, loaded on the first request: a start shows the last lists from disk without the network,
 * so the HTTP stack is not in the way of the first screen.
 */
type Undici = typeof UndiciModule;
let undici: Undici | undefined;
const loadUndici = async (): Promise<Undici> => (undici ??= await import('undici'));
import { KeydeckFailure, fail } from '../../../shared/errors.js';
import { checkApiUrl } from './url-policy.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead (a provider whose API takes forms, Stripe-style). */
  form?: Record<string, string>;
  /** Overrides the client's total deadline for this call (covers every retry and the body). */
  deadlineMs?: number;
  /**
   * Told of every answer the provider gave, retries included (each one is a call it counts), with
   * its status and headers: how Keydeck meters its own calls against a provider's limits.
   */
  observe?: (status: number, headers: Record<string, string>) => void;
}

/** What an adapter needs of the HTTP client: one call. */
export interface HttpSender {
  send(req: HttpRequest): Promise<HttpResponse>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  contentType: string;
  text: string;
  /** The parsed body when it was JSON; `undefined` when it was not JSON or did not parse. */
  json: unknown;
  /** True when the content type said JSON but the body did not parse. */
  invalidJson: boolean;
}

export interface HttpClientOptions {
  /** Total deadline per call, every retry included. Default 15 s (undici's own default is 300 s). */
  deadlineMs?: number;
  /** Largest response body read. Default 1 MB. */
  maxBodyBytes?: number;
  /** Attempts for a retryable GET/DELETE (first try included). Default 3. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt, with jitter. */
  backoffMs?: number;
  /** Longest Retry-After Keydeck will wait inside one call; longer waits return the 429 to the user. */
  maxRetryAfterMs?: number;
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Injected for tests that check the backoff without waiting it out. */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS = {
  deadlineMs: 15_000,
  maxBodyBytes: 1_000_000,
  maxAttempts: 3,
  backoffMs: 200,
  maxRetryAfterMs: 5_000,
};

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** Parses Retry-After as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * The one HTTP client. Every call has a total deadline; redirects are refused (so an
 * Authorization header never reaches another host); bodies are capped; GET and DELETE are retried
 * with backoff on 429, 5xx and connection resets; a POST is never retried, because a POST that
 * creates a key may have succeeded even when its answer was lost.
 */
export class HttpClient implements HttpSender {
  private readonly opts: Required<Omit<HttpClientOptions, 'dispatcher' | 'userAgent' | 'sleep'>>;
  private dispatcher: Dispatcher | undefined;
  private readonly userAgent: string;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HttpClientOptions = {}) {
    this.opts = { ...DEFAULTS, ...stripUndefined(options) };
    // Built with undici on the first request (see loadUndici); a given dispatcher is used as is.
    this.dispatcher = options.dispatcher;
    this.userAgent = options.userAgent ?? 'Keydeck';
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  async send(req: HttpRequest): Promise<HttpResponse> {
    const checked = checkApiUrl(req.url);
    if (!checked.ok) fail('INSECURE_URL', `Refused ${redactUrl(req.url)}: ${checked.reason}.`);
    const deadlineMs = req.deadlineMs ?? this.opts.deadlineMs;
    const started = Date.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), deadlineMs);
    const retryable = req.method === 'GET' || req.method === 'DELETE';
    try {
      for (let attempt = 1; ; attempt++) {
        let response: HttpResponse;
        try {
          response = await this.once(checked.url, req, controller.signal);
        } catch (error) {
          const failure = this.classify(error, controller.signal.aborted, deadlineMs);
          const delay = this.backoff(attempt);
          // Retry only what may succeed next time, and only if there is time left: otherwise the
          // caller learns what actually happened (a reset), not a timeout we would cause by waiting.
          const canRetry =
            retryable &&
            attempt < this.opts.maxAttempts &&
            failure.error.code === 'NETWORK_ERROR' &&
            !isTlsFailure(failure) &&
            Date.now() - started + delay < deadlineMs;
          if (!canRetry) throw failure;
          await this.wait(delay, started, deadlineMs, controller.signal);
          continue;
        }
        const transient = response.status === 429 || response.status >= 500;
        if (!retryable || !transient || attempt >= this.opts.maxAttempts) return response;
        const retryAfter = parseRetryAfter(response.headers['retry-after']);
        const delay = retryAfter !== undefined ? retryAfter * 1000 : this.backoff(attempt);
        if (delay > this.opts.maxRetryAfterMs || Date.now() - started + delay >= deadlineMs) return response;
        await this.wait(delay, started, deadlineMs, controller.signal);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private backoff(attempt: number): number {
    const base = this.opts.backoffMs * 2 ** (attempt - 1);
    return base + Math.floor(Math.random() * base * 0.25);
  }

  private async wait(ms: number, started: number, deadlineMs: number, signal: AbortSignal): Promise<void> {
    if (Date.now() - started + ms >= deadlineMs) {
      fail('NETWORK_TIMEOUT', `The provider did not answer within ${formatSeconds(deadlineMs)}.`);
    }
    await this.sleep(ms);
    if (signal.aborted) fail('NETWORK_TIMEOUT', `The provider did not answer within ${formatSeconds(deadlineMs)}.`);
  }

  private async once(url: URL, req: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.userAgent,
      ...req.headers,
    };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    } else if (req.form !== undefined) {
      body = new URLSearchParams(req.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const { Agent, request } = await loadUndici();
    // Certificate checks stay on: there is no option to turn them off anywhere in Keydeck.
    this.dispatcher ??= new Agent({ connect: { rejectUnauthorized: true }, keepAliveTimeout: 10_000 });
    const res = await request(url, { method: req.method, headers, body, signal, dispatcher: this.dispatcher });
    const flatHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) {
      if (v !== undefined) flatHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
    }
    const contentType = flatHeaders['content-type'] ?? '';
    try {
      req.observe?.(res.statusCode, flatHeaders);
    } catch {
      // Metering is bookkeeping; it never fails a call.
    }
    if (res.statusCode >= 300 && res.statusCode < 400) {
      await res.body.dump().catch(() => undefined);
      const location = flatHeaders.location ? ` to ${redactUrl(flatHeaders.location)}` : '';
      fail(
        'REDIRECT_REFUSED',
        `The provider answered with a redirect${location}. Keydeck never follows redirects with your key attached; check the organization's API URL.`,
        {
          provider: { status: res.statusCode, contentType },
        },
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > this.opts.maxBodyBytes) {
        res.body.destroy();
        fail(
          'PROVIDER_BAD_RESPONSE',
          `The provider sent more than ${Math.round(this.opts.maxBodyBytes / 1000)} KB; Keydeck stopped reading.`,
          {
            provider: { status: res.statusCode, contentType },
          },
        );
      }
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    let json: unknown;
    let invalidJson = false;
    if (/\bjson\b/i.test(contentType)) {
      try {
        json = text.length ? JSON.parse(text) : undefined;
      } catch {
        invalidJson = true;
      }
    }
    return { status: res.statusCode, headers: flatHeaders, contentType, text, json, invalidJson };
  }

  private classify(error: unknown, aborted: boolean, deadlineMs: number): KeydeckFailure {
    if (error instanceof KeydeckFailure) return error;
    if (aborted) {
      return new KeydeckFailure(
        { code: 'NETWORK_TIMEOUT', message: `The provider did not answer within ${formatSeconds(deadlineMs)}.` },
        { cause: error },
      );
    }
    const code = errorCode(error);
    if (code && TLS_CODES.has(code)) {
      return new KeydeckFailure(
        {
          code: 'TLS_ERROR',
          message: `The provider's TLS certificate was not accepted (${code}). Keydeck never bypasses certificate checks.`,
        },
        { cause: error },
      );
    }
    if (
      undici &&
      (error instanceof undici.errors.HeadersTimeoutError || error instanceof undici.errors.BodyTimeoutError)
    ) {
      return new KeydeckFailure(
        { code: 'NETWORK_TIMEOUT', message: 'The provider stopped answering mid-response.' },
        { cause: error },
      );
    }
    const what =
      code === 'ENOTFOUND'
        ? 'its host name was not found'
        : code === 'ECONNREFUSED'
          ? 'the connection was refused'
          : 'the connection failed';
    return new KeydeckFailure(
      { code: 'NETWORK_ERROR', message: `Could not reach the provider: ${what}${code ? ` (${code})` : ''}.` },
      { cause: error },
    );
  }
}

function isTlsFailure(f: KeydeckFailure): boolean {
  return f.error.code === 'TLS_ERROR';
}

function errorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let i = 0; i < 4 && e; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** A URL safe to show: origin and path only (no query, which could carry a token). */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
