import { contextBridge, ipcRenderer } from 'electron';
import { buildApi, type KeydeckApi } from '../shared/api.js';

/**
 * The preload exposes `window.keydeck` and nothing else: exactly the contract's calls, each a
 * fixed channel name. The renderer never sees `ipcRenderer` or a generic invoke.
 */
const keydeck = buildApi((channel, input) => ipcRenderer.invoke(channel, input)) satisfies KeydeckApi;

contextBridge.exposeInMainWorld('keydeck', keydeck);
