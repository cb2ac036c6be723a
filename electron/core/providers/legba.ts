import manifest from './manifests/legba.json' with { type: 'json' };
import { builtinAdapter } from './manifest/builtin.js';
import type { AdapterSource } from './types.js';

/** legba: entirely its manifest (manifests/legba.json; where its docs are silent, manifests/SOURCES.md says what Keydeck assumes). */
export const legba: AdapterSource = builtinAdapter(manifest);
