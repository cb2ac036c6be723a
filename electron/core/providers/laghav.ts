import manifest from './manifests/laghav.json' with { type: 'json' };
import { builtinAdapter } from './manifest/builtin.js';
import type { AdapterSource } from './types.js';

/** laghav: entirely its manifest (manifests/laghav.json; where its docs are silent, manifests/SOURCES.md says what Keydeck assumes). */
export const laghav: AdapterSource = builtinAdapter(manifest);
