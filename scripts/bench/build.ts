/**
 * Builds what the benchmark runs besides the app: the core child as one bundled file with its
 * dependencies (as the app bundles its core, so neither tsx nor a loader counts in its start time or RSS), and the React
 * floor page. Both with Vite's JS API, into out/bench/.
 */
import react from '@vitejs/plugin-react';
import { join } from 'node:path';
import { build } from 'vite';

export async function buildBench(root: string): Promise<{ coreEntry: string; floorDir: string }> {
  const outCore = join(root, 'out/bench/core');
  const outFloor = join(root, 'out/bench/floor');
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    // Dependencies bundled in, as electron.vite.config.ts bundles them into the main process; keytar
    // (native) stays outside, and so do ws's optional native helpers.
    ssr: { noExternal: true, external: ['keytar', 'bufferutil', 'utf-8-validate'] },
    build: {
      ssr: true,
      outDir: outCore,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rolldownOptions: {
        input: { 'core-entry': join(root, 'scripts/bench/core-entry.ts') },
        output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: '[name].mjs' },
      },
    },
  });
  await build({
    configFile: false,
    root: join(root, 'scripts/bench/floor'),
    logLevel: 'warn',
    plugins: [react()],
    base: './',
    build: { outDir: outFloor, emptyOutDir: true, minify: true },
  });
  return { coreEntry: join(outCore, 'core-entry.mjs'), floorDir: outFloor };
}
