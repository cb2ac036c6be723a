import type { Environment, ProviderId } from '../../../shared/domain.js';
import { KEY_FORMATS, detectFormat } from '../../../shared/keys.js';
import type { HttpResponse } from '../http/client.js';

/** The `Authorization: Bearer` header every provider documents. */
export function bearer(secret: string): Record<string, string> {
  return { authorization: `Bearer ${secret}` };
}

/** Joins a base URL and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

export function isSuccess(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** The published prefixes of a provider, per environment (empty when it publishes none). */
export function keyPrefixes(provider: ProviderId): { environment: Environment; prefix: string }[] {
  return KEY_FORMATS.filter((f) => f.provider === provider).map((f) => ({
    environment: f.environment,
    prefix: f.prefix,
  }));
}

/** The environment a provider-reported prefix belongs to, if it is one of ours. */
export function environmentOfPrefix(
  prefix: string | null | undefined,
): { prefix: string; environment: Environment } | undefined {
  if (!prefix) return undefined;
  const format = detectFormat(`${prefix}xxxxxxxx`);
  return format && format.prefix === prefix ? { prefix: format.prefix, environment: format.environment } : undefined;
}

/** An object's field as a bounded string, or undefined. */
export function text(value: unknown, max = 500): string | undefined {
  return typeof value === 'string' ? value.slice(0, max) : undefined;
}

/** `body.error` when it is an object, else the body itself, else {}. */
export function errorObject(json: unknown): Record<string, unknown> {
  if (typeof json !== 'object' || json === null) return {};
  const body = json as Record<string, unknown>;
  return typeof body.error === 'object' && body.error !== null ? (body.error as Record<string, unknown>) : body;
}

/** Cap on keys read from one list, so an oversized answer cannot flood the UI. */
export const MAX_KEYS = 5000;
