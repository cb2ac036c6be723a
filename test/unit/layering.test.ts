import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();
async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? 'fatal');
}

describe('lint keeps Electron out of the core and the contract', () => {
  it.each([
    ['electron/core/workspace.ts', "import { app } from 'electron';\nexport const x = app;\n"],
    ['electron/core/store/x.ts', "import Store from 'electron-store';\nexport const x = Store;\n"],
    ['shared/contract.ts', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n"],
  ])('refuses an Electron import in %s', async (file, code) => {
    expect(await ruleIds(code, file)).toContain('no-restricted-imports');
  }, 30_000);

  it('allows it in the Electron glue', async () => {
    expect(await ruleIds("import { app } from 'electron';\nexport const x = app;\n", 'electron/main.ts')).not.toContain('no-restricted-imports');
  }, 30_000);

  it('refuses Node and Electron imports in the renderer', async () => {
    expect(await ruleIds("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'renderer/lib/x.ts')).toContain('@typescript-eslint/no-restricted-imports');
  }, 30_000);

  // zod stays out of the renderer's first bundle: schemas are the core's; the renderer takes types.
  it.each([
    ["import { z } from 'zod';\nexport const x = z;\n"],
    ["import { DEFAULT_POLICY } from '../../shared/usage.js';\nexport const x = DEFAULT_POLICY;\n"],
    ["import { contract } from '../../shared/contract.js';\nexport const x = contract;\n"],
  ])('refuses a value import that pulls zod into the renderer: %s', async (code) => {
    expect(await ruleIds(code, 'renderer/lib/x.ts')).toContain('@typescript-eslint/no-restricted-imports');
  }, 30_000);

  it('allows type imports of the schemas and the plain values in the renderer', async () => {
    const code = "import type { UsageRow } from '../../shared/usage.js';\nimport { DEFAULT_POLICY } from '../../shared/plain.js';\nexport const x: UsageRow | typeof DEFAULT_POLICY | undefined = undefined;\n";
    expect(await ruleIds(code, 'renderer/lib/x.ts')).not.toContain('@typescript-eslint/no-restricted-imports');
  }, 30_000);
});
