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
