import type { BuiltinProviderId, ProviderId, ProviderInfo } from '../../../shared/domain.js';
import { fail } from '../../../shared/errors.js';
import { formatsOf, type KeyFormat } from '../../../shared/keys.js';
import { learnKeyPrefixes } from '../log.js';
import { laghav } from './laghav.js';
import { leadey } from './leadey.js';
import { legba } from './legba.js';
import { logtalk } from './logtalk.js';
import { adapterFromManifest } from './manifest/engine.js';
import type { ProviderManifest } from './manifest/schema.js';
import { skapi } from './skapi.js';
import type { AdapterSource, ProviderAdapter } from './types.js';

/** An operation the adapter has is done by API; one it lacks, in the dashboard. One source of truth: the code. */
export function withCapabilities(source: AdapterSource): ProviderAdapter {
  const by = (has: unknown) => (has ? ('api' as const) : ('dashboard' as const));
  return {
    ...source,
    info: {
      ...source.info,
      capabilities: { verify: 'api', list: by(source.list), create: by(source.create), revoke: by(source.revoke) },
    },
  };
}

/** Every provider Keydeck ships, by id: each one its manifest (providers/manifests/) and its hooks. */
export const ADAPTERS: Record<BuiltinProviderId, ProviderAdapter> = {
  legba: withCapabilities(legba),
  laghav: withCapabilities(laghav),
  leadey: withCapabilities(leadey),
  logtalk: withCapabilities(logtalk),
  skapi: withCapabilities(skapi),
};

function isBuiltin(id: ProviderId): id is BuiltinProviderId {
  return Object.hasOwn(ADAPTERS, id);
}

/** A built-in provider's adapter (the registry below adds the ones a person added). */
export function adapterFor(id: ProviderId): ProviderAdapter {
  if (!isBuiltin(id)) fail('NOT_FOUND', `Keydeck has no built-in provider “${id}”.`);
  return ADAPTERS[id];
}

/** The built-in providers as the window reads them. */
export function providerInfos(): ProviderInfo[] {
  return Object.values(ADAPTERS).map((a) => a.info);
}

/** A provider added from a manifest: what the manifest engine makes of it, marked as the person's own. */
export function userAdapter(manifest: ProviderManifest): ProviderAdapter {
  const adapter = withCapabilities(adapterFromManifest(manifest));
  return { ...adapter, info: { ...adapter.info, custom: true } };
}

/**
 * The providers of one profile: the built-in ones and those the person added (stored in the
 * profile's metadata, read through `manifests`). Rebuilt only when the stored list changes.
 */
export class ProviderRegistry {
  private built:
    { from: readonly { manifest: ProviderManifest }[]; adapters: Map<string, ProviderAdapter> } | undefined;

  constructor(private readonly manifests: () => readonly { manifest: ProviderManifest }[]) {}

  private all(): Map<string, ProviderAdapter> {
    const from = this.manifests();
    if (this.built?.from !== from) {
      const adapters = new Map<string, ProviderAdapter>(Object.entries(ADAPTERS));
      // A stored manifest never replaces a built-in provider (adding one refuses it; this holds for an edited file too).
      for (const { manifest } of from) if (!adapters.has(manifest.id)) adapters.set(manifest.id, userAdapter(manifest));
      // Redaction learns the added providers' key shapes, and skips their public prefix when it looks for a key.
      learnKeyPrefixes([...adapters.values()].flatMap((a) => a.info.keyFormats.map((f) => f.prefix)));
      this.built = { from, adapters };
    }
    return this.built.adapters;
  }

  adapter(id: ProviderId): ProviderAdapter {
    const found = this.all().get(id);
    if (!found)
      fail(
        'NOT_FOUND',
        `Keydeck has no provider “${id}”: it was added from a manifest that is no longer there. Add it again in Settings → Providers.`,
      );
    return found;
  }

  has(id: ProviderId): boolean {
    return this.all().has(id);
  }

  infos(): ProviderInfo[] {
    return [...this.all().values()].map((a) => a.info);
  }

  /** Every provider's key formats, so a pasted key is checked against the added providers too. */
  formats(): KeyFormat[] {
    return formatsOf(this.infos().map((i) => ({ id: i.id, keyFormats: i.keyFormats })));
  }

  names(): Record<ProviderId, string> {
    return Object.fromEntries(this.infos().map((p) => [p.id, p.displayName]));
  }
}

/** The built-in providers alone (where no profile is at hand). */
export const BUILTIN_PROVIDERS = new ProviderRegistry(() => []);
