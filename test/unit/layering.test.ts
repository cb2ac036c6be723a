import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layering rules in eslint.config.js, one per layer: for each, an import that breaks it is
 * refused by lint (with the rule's message), and an import the layer may make passes. Linted as
 * text at the real paths, so the rules apply exactly as `npm run lint` applies them.
 */
const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restricted(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = x;\n`, { filePath: resolve(root, file) });
  return (result?.messages ?? []).filter((m) => /no-restricted-imports/.test(m.ruleId ?? '')).map((m) => m.message);
}

describe('layering: each layer imports only what it may, and lint says so', () => {
  it.each([
    [
      'shared imports a core module',
      'shared/probe.ts',
      "import { x } from '../electron/core/log.js';",
      /shared\/ imports nothing of Keydeck/,
    ],
    [
      'shared imports the renderer',
      'shared/probe.ts',
      "import { x } from '../renderer/lib/api.js';",
      /shared\/ imports nothing of Keydeck/,
    ],
    ['shared imports Electron', 'shared/probe.ts', "import { x } from 'electron';", /must not import Electron/],
    [
      'the core imports the IPC layer',
      'electron/core/probe.ts',
      "import { x } from '../ipc/wrapper.js';",
      /electron\/core imports only shared/,
    ],
    [
      'the core (a handler) imports the preview host',
      'electron/core/handlers/probe.ts',
      "import { x } from '../../preview/host.js';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the app shell',
      'electron/core/rotation/probe.ts',
      "import { x } from '../../app/menu.js';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the main process',
      'electron/core/probe.ts',
      "import { x } from '../main.js';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the renderer',
      'electron/core/probe.ts',
      "import { x } from '../../renderer/lib/calls.js';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the Node wiring (a transport)',
      'electron/core/probe.ts',
      "import { x } from '../node-workspace.js';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the main process without an extension',
      'electron/core/handlers/probe.ts',
      "import { x } from '../../main';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the IPC folder (its index)',
      'electron/core/rotation/steps/probe.ts',
      "import { x } from '../../../ipc';",
      /electron\/core imports only shared/,
    ],
    [
      'the core imports the security module without an extension',
      'electron/core/probe.ts',
      "import { x } from '../security';",
      /electron\/core imports only shared/,
    ],
    ['shared imports Node', 'shared/probe.ts', "import { x } from 'node:fs';", /no Node modules/],
    [
      'the core imports Electron',
      'electron/core/probe.ts',
      "import { x } from 'electron';",
      /must not import Electron/,
    ],
    [
      'the core imports a test helper',
      'electron/core/probe.ts',
      "import { x } from '../../test/support/figures.js';",
      /never imports the scripts or the tests/,
    ],
    [
      'the IPC layer imports the renderer',
      'electron/ipc/probe.ts',
      "import { x } from '../../renderer/lib/calls.js';",
      /never the renderer/,
    ],
    [
      'the preview host imports the renderer',
      'electron/preview/probe.ts',
      "import { x } from '../../renderer/main.js';",
      /never the renderer/,
    ],
    [
      'the main process imports the renderer',
      'electron/probe.ts',
      "import { x } from '../renderer/lib/api.js';",
      /never the renderer/,
    ],
    [
      'the renderer imports the core',
      'renderer/lib/probe.ts',
      "import { x } from '../../electron/core/log.js';",
      /sandboxed/,
    ],
    [
      'the renderer imports the preload',
      'renderer/probe.ts',
      "import { x } from '../electron/preload.js';",
      /sandboxed/,
    ],
    ['the renderer imports Node', 'renderer/lib/probe.ts', "import { x } from 'node:fs';", /sandboxed/],
    [
      'the renderer imports a script',
      'renderer/lib/probe.ts',
      "import { x } from '../../scripts/bench/floors.js';",
      /imports only shared/,
    ],
  ])(
    '%s: refused',
    async (_name, file, source, message) => {
      const messages = await restricted(file, source);
      expect(messages.length, messages.join('\n')).toBe(1);
      expect(messages[0]).toMatch(message);
    },
    30_000,
  );

  it.each([
    ['shared imports shared', 'shared/probe.ts', "import { x } from './errors.js';"],
    ['the core imports shared', 'electron/core/handlers/probe.ts', "import { x } from '../../../shared/errors.js';"],
    ['the core imports itself', 'electron/core/handlers/probe.ts', "import { x } from '../context.js';"],
    [
      'the IPC layer imports the core and shared',
      'electron/ipc/probe.ts',
      "import { x } from '../core/dispatch.js';\nimport { y as x2 } from '../../shared/contract.js';\nexport const other = x2;",
    ],
    ['the preview host imports the core', 'electron/preview/probe.ts', "import { x } from '../core/workspace.js';"],
    [
      'the main process imports Electron and the core',
      'electron/probe.ts',
      "import { x } from 'electron';\nimport { y as x2 } from './core/workspace.js';\nexport const other = x2;",
    ],
    [
      'the renderer imports shared (values from plain.ts)',
      'renderer/lib/probe.ts',
      "import { x } from '../../shared/plain.js';",
    ],
  ])(
    '%s: allowed',
    async (_name, file, source) => {
      expect(await restricted(file, source)).toEqual([]);
    },
    30_000,
  );
});

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, filePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('lint keeps electron-store out of the core, and zod out of the renderer', () => {
  it('refuses electron-store in the core (it imports Electron)', async () => {
    expect(
      await ruleIds("import Store from 'electron-store';\nexport const x = Store;\n", 'electron/core/store/x.ts'),
    ).toContain('no-restricted-imports');
  }, 30_000);

  // zod stays out of the renderer's first bundle: schemas are the core's; the renderer takes types.
  it.each([
    ["import { z } from 'zod';\nexport const x = z;\n"],
    ["import { DEFAULT_POLICY } from '../../shared/usage.js';\nexport const x = DEFAULT_POLICY;\n"],
    ["import { contract } from '../../shared/contract.js';\nexport const x = contract;\n"],
  ])(
    'refuses a value import that pulls zod into the renderer: %s',
    async (code) => {
      expect(await ruleIds(code, 'renderer/lib/x.ts')).toContain('@typescript-eslint/no-restricted-imports');
    },
    30_000,
  );

  it('allows type imports of the schemas and the plain values in the renderer', async () => {
    const code =
      "import type { UsageRow } from '../../shared/usage.js';\nimport { DEFAULT_POLICY } from '../../shared/plain.js';\nexport const x: UsageRow | typeof DEFAULT_POLICY | undefined = undefined;\n";
    expect(await ruleIds(code, 'renderer/lib/x.ts')).not.toContain('@typescript-eslint/no-restricted-imports');
  }, 30_000);
});
