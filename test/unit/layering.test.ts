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
    expect(await ruleIds("import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'renderer/lib/x.ts')).toContain('no-restricted-imports');
  }, 30_000);
});
