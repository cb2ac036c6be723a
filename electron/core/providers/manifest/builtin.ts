import type { AdapterSource } from '../types.js';
import { adapterFromManifest } from './engine.js';
import { ProviderManifest } from './schema.js';

/**
 * The operations of a built-in provider that its manifest cannot declare: each one small, named in
 * its provider's file with the documented behaviour it exists for, and listed in the README.
 */
export type Hooks = Partial<Pick<AdapterSource, 'verify' | 'list' | 'create' | 'revoke'>>;

/**
 * A built-in provider: its manifest (providers/manifests/<id>.json), checked by the same schema as a
 * person's, then its hooks, each replacing one operation the manifest also declares.
 */
export function builtinAdapter(json: unknown, hooks: Hooks = {}): AdapterSource {
  const parsed = ProviderManifest.safeParse(json);
  if (!parsed.success) throw new Error(`a built-in provider manifest is invalid: ${parsed.error.message}`);
  const adapter = adapterFromManifest(parsed.data);
  for (const name of Object.keys(hooks) as (keyof Hooks)[]) {
    if (name !== 'verify' && !adapter[name])
      throw new Error(`${parsed.data.id}: a hook for ${name}, which its manifest does not declare`);
  }
  return { ...adapter, ...hooks };
}
