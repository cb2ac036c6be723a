import manifest from './manifests/skapi.json' with { type: 'json' };
import { builtinAdapter } from './manifest/builtin.js';
import type { AdapterSource } from './types.js';

/** skapi: entirely its manifest (manifests/skapi.json; where its docs are silent, manifests/SOURCES.md says what Keydeck assumes). */
export const skapi: AdapterSource = builtinAdapter(manifest);
