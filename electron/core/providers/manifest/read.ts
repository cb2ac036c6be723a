import type { z } from 'zod';
import type { KeyFormat } from '../../../../shared/keys.js';
import { containsSecret } from '../../log.js';
import { keyFormatsOf } from './engine.js';
import { MAX_MANIFEST_BYTES, ProviderManifest } from './schema.js';

/** Deepest nesting a manifest may have (the deepest real one is 5), checked before the schema walks it. */
const MAX_DEPTH = 12;

/** How deeply a parsed JSON value nests, without recursion (a hostile file may nest thousands of levels). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    deepest = Math.max(deepest, d);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(v)) stack.push([child, d + 1]);
  }
  return deepest;
}

/** Every string in a parsed JSON value, with its path as `pathOf` writes it (keys of objects too). */
function stringsOf(value: unknown, path: (string | number)[] = []): [string, string][] {
  if (typeof value === 'string') return [[pathOf(path), value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, [...path, i]));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => [
      [pathOf([...path, k]), k] as [string, string],
      ...stringsOf(v, [...path, k]),
    ]);
  return [];
}

/** One thing wrong with a manifest, at the field it is about (`calls.list.fields.id`; "" for the whole file). */
export interface ManifestProblem {
  path: string;
  message: string;
}

export type ManifestReading = { ok: true; manifest: ProviderManifest } | { ok: false; problems: ManifestProblem[] };

/** `calls.list.fields.id`, `keys[0].prefix`: a zod issue path as a person finds it in the file. */
function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('')
    .slice(0, 300);
}

function problemsOf(error: z.ZodError): ManifestProblem[] {
  const seen = new Set<string>();
  const out: ManifestProblem[] = [];
  for (const issue of error.issues) {
    // A union's issues are its branches' issues: the deepest ones say what to fix.
    const nested =
      issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors)
        ? (issue.errors as z.core.$ZodIssue[][]).flat().map((i) => ({ ...i, path: [...issue.path, ...i.path] }))
        : [issue];
    for (const i of nested) {
      const missing = i.code === 'invalid_type' && / received undefined$/.test(i.message);
      const message = missing
        ? 'missing: this field is required'
        : i.code === 'unrecognized_keys'
          ? `unknown field${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k.slice(0, 60)}"`).join(', ')} (a misspelling?)`
          : i.message;
      const p = { path: pathOf(i.path), message: message.slice(0, 300) };
      const key = `${p.path}\u0000${p.message}`;
      if (!seen.has(key)) {
        out.push(p);
        seen.add(key);
      }
      if (out.length >= 50) return out;
    }
  }
  return out;
}

/**
 * Reads a manifest a person pasted or picked: untrusted text. Too large, not JSON, or not the
 * schema: every problem at its field. Then what only the other providers can tell: an id or a key
 * prefix that is already someone else's (a prefix that overlaps another provider's would send that
 * provider's keys to this one's host, so it is refused, whichever is longer).
 */
export function readManifest(
  text: string,
  others: {
    ids: readonly string[];
    builtinIds: readonly string[];
    formats: readonly KeyFormat[];
    /** The other providers' display names: a second "Laghav" would pass for the real one in every list. */
    names?: readonly string[];
  },
): ManifestReading {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_MANIFEST_BYTES)
    return {
      ok: false,
      problems: [
        { path: '', message: `the file is ${bytes.toLocaleString('en-US')} bytes; a manifest is at most 64 KB` },
      ],
    };
  let json: unknown;
  try {
    // A byte-order mark, as some editors save one, is not part of the JSON.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 200) : 'not JSON';
    return { ok: false, problems: [{ path: '', message: `not valid JSON: ${why}` }] };
  }
  if (depthOf(json) > MAX_DEPTH)
    return {
      ok: false,
      problems: [{ path: '', message: `nested more than ${MAX_DEPTH} levels deep; no manifest needs that` }],
    };
  const parsed = ProviderManifest.safeParse(json);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const m = parsed.data;
  const problems: ManifestProblem[] = [];
  // A manifest never holds a key: anything shaped like one (its own formats' or a known provider's) is refused.
  const own = keyFormatsOf(m).filter((f) => f.prefix !== '');
  for (const [path, value] of stringsOf(json)) {
    if (path.startsWith('keys')) continue;
    const shaped = containsSecret(value) || own.some((f) => new RegExp(`${f.prefix}[A-Za-z0-9_-]{8,}`).test(value));
    if (shaped)
      problems.push({ path, message: 'holds something shaped like an API key: a manifest never holds a key' });
  }
  if (others.builtinIds.includes(m.id))
    problems.push({ path: 'id', message: `"${m.id}" is a provider Keydeck ships; choose another id` });
  else if (others.ids.includes(m.id))
    problems.push({ path: 'id', message: `a provider with the id "${m.id}" is already added` });
  const plain = (n: string) => n.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
  const same = (others.names ?? []).find((n) => plain(n) === plain(m.displayName));
  if (same) problems.push({ path: 'displayName', message: `“${same}” is already a provider’s name; choose another` });
  keyFormatsOf(m).forEach((f, i) => {
    if (f.prefix === '') return;
    const clash = others.formats.find(
      (o) => o.prefix !== '' && (o.prefix.startsWith(f.prefix) || f.prefix.startsWith(o.prefix)),
    );
    if (clash)
      problems.push({
        path: `keys[${i}].prefix`,
        message: `${f.prefix} overlaps ${clash.prefix}, a prefix of ${clash.provider}: Keydeck could not tell whose a key is`,
      });
  });
  return problems.length ? { ok: false, problems } : { ok: true, manifest: m };
}
