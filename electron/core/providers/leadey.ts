import manifest from './manifests/leadey.json' with { type: 'json' };
import { builtinAdapter } from './manifest/builtin.js';
import type { AdapterSource } from './types.js';

/** leadey: entirely its manifest (manifests/leadey.json; where its docs are silent, manifests/SOURCES.md says what Keydeck assumes). */
export const leadey: AdapterSource = builtinAdapter(manifest);
