import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Layering rule: the core and the contract never import Electron (ARCHITECTURE.md, rule 3). */
const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'electron', message: 'electron/core and shared must not import Electron: take what you need as an interface (ARCHITECTURE.md rule 3).' },
        { name: 'electron-store', message: 'electron-store imports Electron; the core takes a DocumentBackend instead.' },
      ],
      patterns: [{ group: ['electron/*'], message: 'No Electron in the core or the contract.' }],
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
  { files: ['electron/core/**/*.ts', 'shared/**/*.ts'], rules: noElectron },
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
            { group: ['electron', 'node:*', '../electron/*', '../../electron/*'], message: 'The renderer is sandboxed: use lib/api.ts.' },
            // The schemas live with the core, which parses every call; the renderer takes their types
            // only, so zod stays out of the first bundle (values it needs are in shared/plain.ts).
            { group: ['zod', '**/shared/contract.js', '**/shared/domain.js', '**/shared/errors.js', '**/shared/rotation.js', '**/shared/storage.js', '**/shared/usage.js'], allowTypeImports: true, message: 'Type imports only: this module pulls zod into the renderer bundle (values the renderer needs are in shared/plain.ts).' },
          ],
        },
      ],
    },
  },
);
