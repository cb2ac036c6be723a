import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layering (ARCHITECTURE.md; README "Architecture"), one rule per layer, each tested by
 * test/unit/layering.test.ts with an import that must fail:
 * - `shared/` (the contract and pure helpers) imports nothing of Keydeck outside `shared/`, and no Electron;
 * - `electron/core/` imports only `shared/` and itself: no Electron, no transport, no renderer;
 * - the transports (`electron/ipc`, `electron/preview`, `electron/app`, `main.ts`, `preload.ts`) import the core and
 *   `shared/`, never the renderer;
 * - `renderer/` imports only `shared/` and itself (below).
 */
const ELECTRON_PATHS = [
  {
    name: 'electron',
    message:
      'electron/core and shared must not import Electron: take what you need as an interface (ARCHITECTURE.md rule 3).',
  },
  { name: 'electron-store', message: 'electron-store imports Electron; the core takes a DocumentBackend instead.' },
];
const NOT_TOOLING = {
  group: ['**/scripts/*', '**/scripts/**', '**/test/*', '**/test/**'],
  message: 'The app never imports the scripts or the tests.',
};
const layer = (patterns) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: ELECTRON_PATHS,
      patterns: [
        { group: ['electron/*'], message: 'No Electron in the core or the contract.' },
        ...patterns,
        NOT_TOOLING,
      ],
    },
  ],
});
const sharedLayer = layer([
  {
    group: ['../*', '../**'],
    message: 'shared/ imports nothing of Keydeck outside shared/: every layer imports it, so it imports none of them.',
  },
  // The renderer bundles shared/: nothing of Node in it.
  { group: ['node:*'], message: 'shared/ runs in the renderer too: no Node modules.' },
]);
const coreLayer = layer([
  {
    // With and without an extension, and a folder's index (the bundler resolves all three).
    group: [
      '**/ipc',
      '**/ipc/**',
      '**/preview',
      '**/preview/**',
      '**/app',
      '**/app/**',
      '**/renderer',
      '**/renderer/**',
      '**/main',
      '**/main.*',
      '**/preload',
      '**/preload.*',
      '**/security',
      '**/security.*',
      '**/node-workspace',
      '**/node-workspace.*',
    ],
    message:
      'electron/core imports only shared/ and itself: a transport calls the core, never the other way (take what you need as an interface in CoreDeps).',
  },
]);
const transportLayer = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['**/renderer/*', '**/renderer/**'],
          message: 'A transport imports the core and shared/, never the renderer (it serves the built files).',
        },
        NOT_TOOLING,
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'reports/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty-pattern': 'off',
    },
  },
  { files: ['shared/**/*.ts'], rules: sharedLayer },
  { files: ['electron/core/**/*.ts'], rules: coreLayer },
  {
    files: ['electron/ipc/**/*.ts', 'electron/preview/**/*.ts', 'electron/app/**/*.ts', 'electron/*.ts'],
    rules: transportLayer,
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The renderer talks to main only through window.keydeck / the preview client.
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'node:*', '**/electron/*', '**/electron/**'],
              message: 'The renderer is sandboxed: use lib/api.ts.',
            },
            {
              group: ['**/scripts/*', '**/scripts/**', '**/test/*', '**/test/**'],
              message: 'The renderer imports only shared/ and its own files.',
            },
            // The schemas live with the core, which parses every call; the renderer takes their types
            // only, so zod stays out of the first bundle (values it needs are in shared/plain.ts).
            {
              group: [
                'zod',
                '**/shared/contract.js',
                '**/shared/domain.js',
                '**/shared/errors.js',
                '**/shared/rotation.js',
                '**/shared/storage.js',
                '**/shared/usage.js',
              ],
              allowTypeImports: true,
              message:
                'Type imports only: this module pulls zod into the renderer bundle (values the renderer needs are in shared/plain.ts).',
            },
          ],
        },
      ],
    },
  },
);
