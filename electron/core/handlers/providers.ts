import type { Output, ParsedInput } from '../../../shared/contract.js';
import { fail, KeydeckFailure } from '../../../shared/errors.js';
import { detectFormat, formatsOf, inspectKey, lastFour, normalizeKey } from '../../../shared/keys.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { checkApiUrl } from '../http/url-policy.js';
import { learnKeyPrefixes, scrub } from '../log.js';
import { withoutSecret } from '../provider-calls.js';
import { ADAPTERS, userAdapter, withCapabilities } from '../providers/index.js';
import { adapterFromManifest, type RuleNote } from '../providers/manifest/engine.js';
import { readManifest, type ManifestReading } from '../providers/manifest/read.js';
import { replacementOf } from '../providers/manifest/replace.js';
import { MAX_USER_PROVIDERS, type ProviderManifest } from '../providers/manifest/schema.js';
import { appendActivity } from '../lookups.js';
import type { MetaDoc } from '../store/schema.js';

type Call = Output<'providers.test'>['calls'][number];

/** Reads a manifest against the other providers of this profile (`replacing`: the added one it may replace). */
function read(c: CoreContext, doc: MetaDoc, text: string, replacing?: string): ManifestReading {
  const others = doc.providers.map((p) => p.manifest.id).filter((id) => id !== replacing);
  const formats = c.providers.formats().filter((f) => f.provider !== replacing);
  const names = c.providers
    .infos()
    .filter((i) => i.id !== replacing)
    .map((i) => i.displayName);
  return readManifest(text, { ids: others, builtinIds: Object.keys(ADAPTERS), formats, names });
}

/** The key as pasted, trimmed (what detection reads; `inspectKey` refuses what is not a key). */
function normalizeKeyText(key: string): string {
  const n = normalizeKey(key);
  return n.ok ? n.key : '';
}

/** The `id` a manifest's text names, if it is JSON with a string id (before it is checked). */
function idOf(text: string): string | undefined {
  try {
    const id = (JSON.parse(text.replace(/^\uFEFF/, '')) as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function refuse(problems: { path: string; message: string }[]): never {
  const lines = problems.slice(0, 8).map((p) => `${p.path || '(file)'}: ${p.message}`);
  fail(
    'VALIDATION_FAILED',
    `The manifest has ${problems.length} problem${problems.length > 1 ? 's' : ''}: ${lines.join('; ')}.`,
  );
}

/** Settings → Providers: the providers a person adds from a manifest, checked, tried with a key, then stored. */
export function providersHandlers(c: CoreContext): HandlersOf<'providers'> {
  return {
    async 'providers.list'(): Promise<Output<'providers.list'>> {
      const doc = c.deps.meta.read();
      const added = new Map(doc.providers.map((p) => [p.manifest.id, p.addedAt]));
      return {
        providers: c.providers.infos().map((info) => ({
          info,
          builtIn: !added.has(info.id),
          ...(added.has(info.id) ? { addedAt: added.get(info.id) } : {}),
          organizations: doc.organizations.filter((o) => o.provider === info.id).length,
        })),
      };
    },

    async 'providers.check'(input: ParsedInput<'providers.check'>): Promise<Output<'providers.check'>> {
      const doc = c.deps.meta.read();
      // The file of a provider already added (to replace it) is checked against the others, not against itself.
      const id = idOf(input.text);
      const existing = doc.providers.find((p) => p.manifest.id === id);
      const reading = read(c, doc, input.text, existing ? id : undefined);
      if (!reading.ok) return { problems: reading.problems };
      const orphans = doc.organizations.filter((o) => o.provider === id);
      if (!existing && orphans.length)
        return {
          problems: [],
          info: userAdapter(reading.manifest).info,
          replaces: {
            organizations: orphans.map((o) => o.name),
            changes: [
              `${orphans.map((o) => o.name).join(', ')}: keys are sent to ${reading.manifest.baseUrl.default || '(the host each organization gives)'} (their manifest was lost)`,
            ],
          },
        };
      if (existing) {
        const replacing = replacementOf(doc, existing.manifest, reading.manifest);
        if (replacing.problems.length) return { problems: replacing.problems };
        return {
          problems: [],
          info: userAdapter(reading.manifest).info,
          replaces: { organizations: replacing.organizations, changes: replacing.changes },
        };
      }
      return { problems: [], info: userAdapter(reading.manifest).info };
    },

    async 'providers.test'(input: ParsedInput<'providers.test'>): Promise<Output<'providers.test'>> {
      // Checked as an add would check it (its own id excepted): a manifest that claims another provider's
      // prefix is refused before any key is sent.
      const doc = c.deps.meta.read();
      const id = idOf(input.text);
      const parsed = read(c, doc, input.text, id);
      if (!parsed.ok) refuse(parsed.problems);
      const m = parsed.manifest;
      const info = withCapabilities(adapterFromManifest(m)).info;
      // A key that is another provider's (by its prefix) is never sent to this manifest's host.
      const others = c.providers.formats().filter((f) => f.provider !== m.id);
      const theirs = detectFormat(normalizeKeyText(input.key), others);
      if (theirs)
        fail(
          'KEY_UNKNOWN_PROVIDER',
          `This looks like a ${c.providers.names()[theirs.provider] ?? theirs.provider} key (${theirs.prefix}…), not a ${m.displayName} key: Keydeck does not send it to ${m.displayName}'s host.`,
        );
      // The test key's public prefix is not the key: without this, a long prefix (12+ characters) alone would
      // count as the key wherever a provider answer repeats it.
      learnKeyPrefixes(info.keyFormats.map((f) => f.prefix));
      const inspected = inspectKey(
        input.key,
        { provider: m.id, environment: input.environment },
        { [m.id]: m.displayName },
        formatsOf([{ id: m.id, keyFormats: info.keyFormats }]),
      );
      if (!inspected.ok)
        fail(inspected.problem.kind === 'unknown-prefix' ? 'KEY_UNKNOWN_PROVIDER' : 'KEY_MALFORMED', inspected.message);
      const secret = inspected.key;
      const baseUrl = input.apiBaseUrl ?? m.baseUrl.default;
      if (!baseUrl) fail('VALIDATION_FAILED', `${m.displayName} has no fixed API host: give the one to test against.`);
      const checked = checkApiUrl(baseUrl);
      if (!checked.ok)
        fail(
          checked.reason === 'not a URL' ? 'VALIDATION_FAILED' : 'INSECURE_URL',
          `The API URL is refused: ${checked.reason}.`,
        );

      const calls: Call[] = [];
      let current: Call | undefined;
      const note: RuleNote = ({ rule }) => current?.rules.push(scrub(rule, [secret]));
      const auth = `${m.auth.header}: ${m.auth.scheme ? `${m.auth.scheme} ` : ''}••••${lastFour(secret)}`;
      const ctx = {
        baseUrl,
        secret,
        providerOrgId: input.providerOrgId,
        http: {
          send: async (req: Parameters<CoreContext['deps']['http']['send']>[0]) => {
            current = {
              call: current?.call ?? 'verify',
              method: req.method,
              url: req.url,
              auth,
              rules: [],
              outcome: '',
            };
            calls.push(current);
            const res = withoutSecret(await c.deps.http.send(req), secret);
            current.status = res.status;
            if (res.contentType) current.contentType = res.contentType.slice(0, 100);
            if (res.text) current.body = scrub(res.text.slice(0, 4000), [secret]);
            return res;
          },
        },
      };
      const adapter = adapterFromManifest(m, note);
      const attempt = async (name: 'verify' | 'list', op: () => Promise<string>) => {
        current = undefined;
        const before = calls.length;
        try {
          const outcome = await op();
          for (const call of calls.slice(before)) Object.assign(call, { call: name, outcome });
          return true;
        } catch (error) {
          if (!(error instanceof KeydeckFailure)) throw error;
          const outcome = `${error.error.code}: ${error.error.message}`;
          for (const call of calls.slice(before)) Object.assign(call, { call: name, outcome });
          if (calls.length === before) calls.push({ call: name, method: '', url: '', auth, rules: [], outcome });
          return error;
        }
      };
      const verified = await attempt('verify', async () => {
        await adapter.verify(ctx);
        return 'the key is accepted';
      });
      if (verified !== true)
        return {
          ok: false,
          code: verified.error.code,
          summary: `Verify failed: ${verified.error.message}`,
          calls,
        };
      if (adapter.list) {
        const list = adapter.list;
        let count = 0;
        const listed = await attempt('list', async () => {
          const keys = await list(ctx);
          count = keys.length;
          const own = keys.filter((k) => k.last4 === inspected.last4).length;
          return `${keys.length} key${keys.length === 1 ? '' : 's'} read${own ? `, the test key among them (last 4 ${inspected.last4})` : ''}`;
        });
        if (listed !== true)
          return {
            ok: false,
            code: listed.error.code,
            summary: `The key works, but listing failed: ${listed.error.message}`,
            calls,
          };
        return { ok: true, summary: `The key works, and the list reads ${count} key${count === 1 ? '' : 's'}.`, calls };
      }
      return { ok: true, summary: 'The key works.', calls };
    },

    async 'providers.add'(input: ParsedInput<'providers.add'>): Promise<Output<'providers.add'>> {
      const manifest = await c.deps.meta.update((doc): ProviderManifest => {
        const id = idOf(input.text);
        const existing = doc.providers.find((p) => p.manifest.id === id);
        const reading = read(c, doc, input.text, existing ? id : undefined);
        if (!reading.ok) refuse(reading.problems);
        if (existing) {
          // The same file again (a double click, a second window): already done.
          if (JSON.stringify(existing.manifest) === JSON.stringify(reading.manifest)) return existing.manifest;
          if (!input.replace)
            fail(
              'CONFLICT',
              `A provider with the id “${reading.manifest.id}” is already added. Replace it, or change the id.`,
            );
          const replacing = replacementOf(doc, existing.manifest, reading.manifest);
          if (replacing.problems.length) refuse(replacing.problems);
          // Each organization that uses it says, in its activity, where its keys go from now on.
          for (const org of doc.organizations.filter((o) => o.provider === reading.manifest.id))
            appendActivity(doc, {
              at: c.now(),
              action: 'provider.replace',
              orgId: org.id,
              detail: (replacing.changes.join('; ') || 'no change to where keys or dashboard links go').slice(0, 500),
            });
          existing.manifest = reading.manifest;
          existing.addedAt = c.now();
          return reading.manifest;
        }
        // Organizations that still use this id (its manifest was lost): adding it sends their keys to its host,
        // so it is a replacement the person confirms.
        if (!input.replace && doc.organizations.some((o) => o.provider === reading.manifest.id))
          fail(
            'CONFLICT',
            `Organizations use a provider with the id “${reading.manifest.id}” whose manifest is gone: confirm that this one replaces it.`,
          );
        if (doc.providers.length >= MAX_USER_PROVIDERS)
          fail('CONFLICT', `Keydeck holds at most ${MAX_USER_PROVIDERS} added providers; remove one first.`);
        doc.providers.push({ manifest: reading.manifest, addedAt: c.now() });
        return reading.manifest;
      });
      return { provider: c.providers.adapter(manifest.id).info };
    },

    async 'providers.remove'(input: ParsedInput<'providers.remove'>): Promise<Output<'providers.remove'>> {
      await c.deps.meta.update((doc) => {
        const index = doc.providers.findIndex((p) => p.manifest.id === input.id);
        if (index < 0)
          fail(
            'NOT_FOUND',
            Object.hasOwn(ADAPTERS, input.id) ? 'Built-in providers cannot be removed.' : 'No such provider.',
          );
        const using = doc.organizations.filter((o) => o.provider === input.id);
        if (using.length)
          fail(
            'CONFLICT',
            `${using
              .map((o) => o.name)
              .slice(0, 3)
              .join(
                ', ',
              )}${using.length > 3 ? ` and ${using.length - 3} more` : ''} ${using.length === 1 ? 'uses' : 'use'} this provider: remove ${using.length === 1 ? 'that organization' : 'those organizations'} first.`,
          );
        doc.providers.splice(index, 1);
      });
      return {};
    },
  };
}
