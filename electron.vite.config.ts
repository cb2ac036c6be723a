import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './electron/security.js';
import { CHANNELS } from './shared/contract.js';

/** The contract's channel names, for shared/api.ts `buildApi` in the preload and renderer bundles (without zod). */
const channels = { __KEYDECK_CHANNELS__: JSON.stringify(CHANNELS) };

/**
 * Writes the page's meta CSP from the one policy in electron/security.ts (the header the app://
 * handler and the preview host send, minus the directives a meta tag cannot carry), so the page and
 * the header cannot drift apart.
 */
function metaCsp(): Plugin {
  const meta = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/i;
  return {
    name: 'keydeck-meta-csp',
    transformIndexHtml(html) {
      if (meta.test(html)) return html.replace(meta, `$1${META_CONTENT_SECURITY_POLICY}$2`);
      return {
        html,
        tags: [
          {
            tag: 'meta',
            attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY },
            injectTo: 'head-prepend',
          },
        ],
      };
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: { entry: { index: 'electron/main.ts' } },
      // The pure-JS dependencies are bundled into the main process (keytar stays outside: it is a
      // native module): loading one file instead of hundreds halves the core's start (BENCHMARKS.md).
      externalizeDeps: { exclude: ['conf', 'electron-store', 'jsonrepair', 'proper-lockfile', 'undici', 'zod'] },
    },
  },
  preload: {
    define: channels,
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be CommonJS.
      lib: { entry: { index: 'electron/preload.ts' }, formats: ['cjs'] },
    },
  },
  renderer: {
    root: 'renderer',
    define: channels,
    plugins: [react(), metaCsp()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rolldownOptions: { input: 'renderer/index.html' },
    },
  },
});
