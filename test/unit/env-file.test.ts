import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isEnvFileName, setEnvVariable, writeEnvFile } from '../../electron/core/rotation/env-file.js';

describe('setEnvVariable keeps every other line', () => {
  const original = [
    '# Laghav',
    'LAGHAV_API_KEY=lgh_live_old',
    '',
    '# database',
    'DATABASE_URL="postgres://x"',
    'export OTHER=1',
    '',
  ].join('\n');

  it('replaces the value in place, keeping comments, blank lines and order', () => {
    const { text, replaced } = setEnvVariable(original, 'LAGHAV_API_KEY', 'lgh_live_new');
    expect(replaced).toBe(1);
    expect(text).toBe(original.replace('lgh_live_old', 'lgh_live_new'));
  });

  it.each([
    ['export LAGHAV_API_KEY=old', 'export LAGHAV_API_KEY=new'],
    ['LAGHAV_API_KEY="old"', 'LAGHAV_API_KEY="new"'],
    ["LAGHAV_API_KEY='old'", "LAGHAV_API_KEY='new'"],
    ['LAGHAV_API_KEY = old # prod key', 'LAGHAV_API_KEY = new # prod key'],
    ['  LAGHAV_API_KEY=old', '  LAGHAV_API_KEY=new'],
  ])('keeps the form of %s', (line, expected) => {
    expect(setEnvVariable(`${line}\n`, 'LAGHAV_API_KEY', 'new').text).toBe(`${expected}\n`);
  });

  it('does not touch a variable that only shares a prefix, or a commented-out one', () => {
    const text = 'LAGHAV_API_KEY_OLD=a\n# LAGHAV_API_KEY=b\n';
    expect(setEnvVariable(text, 'LAGHAV_API_KEY', 'new')).toEqual({
      text: 'LAGHAV_API_KEY_OLD=a\n# LAGHAV_API_KEY=b\nLAGHAV_API_KEY=new\n',
      replaced: 0,
    });
  });

  it('updates every duplicate, so a later one cannot shadow the new value', () => {
    expect(setEnvVariable('K=a\nK=b\n', 'K', 'c')).toEqual({ text: 'K=c\nK=c\n', replaced: 2 });
  });

  it('appends to a file without a final newline, and keeps CRLF files CRLF', () => {
    expect(setEnvVariable('A=1', 'K', 'v').text).toBe('A=1\nK=v\n');
    expect(setEnvVariable('A=1\r\n', 'K', 'v').text).toBe('A=1\r\nK=v\r\n');
    expect(setEnvVariable('', 'K', 'v').text).toBe('K=v\n');
  });
});

describe('writeEnvFile', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'keydeck-env-'));

  it('writes atomically, keeps the mode, and keeps the previous version as a 0600 backup when asked', async () => {
    const d = dir();
    const path = join(d, '.env');
    writeFileSync(path, '# app\nLAGHAV_API_KEY=old\nPORT=3000\n', { mode: 0o644 });
    const backupPath = `${path}.keydeck-rot_abc12345.bak`;
    const result = await writeEnvFile(path, 'LAGHAV_API_KEY', 'lgh_live_new', { backupPath });
    expect(readFileSync(path, 'utf8')).toBe('# app\nLAGHAV_API_KEY=lgh_live_new\nPORT=3000\n');
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(result).toEqual({ backup: backupPath, replaced: 1, previous: { kind: 'value', value: 'old' } });
    expect(readFileSync(backupPath, 'utf8')).toBe('# app\nLAGHAV_API_KEY=old\nPORT=3000\n');
    expect(statSync(backupPath).mode & 0o777).toBe(0o600);
    // No temporary file is left behind.
    expect(readdirSync(d).sort()).toEqual(['.env', '.env.keydeck-rot_abc12345.bak']);
  });

  it('creates a missing file, mode 0600', async () => {
    const path = join(dir(), '.env.production');
    expect(await writeEnvFile(path, 'API_KEY', 'sk_live_x')).toEqual({
      backup: undefined,
      replaced: 0,
      previous: { kind: 'missing-file' },
    });
    expect(readFileSync(path, 'utf8')).toBe('API_KEY=sk_live_x\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it.each(['/etc/passwd', 'relative/.env', '/tmp/notes.txt', '/home/u/.bashrc', '/tmp/.envrc'])(
    'refuses %s',
    async (path) => {
      await expect(writeEnvFile(path, 'K', 'v')).rejects.toThrow();
    },
  );

  it('knows env file names', () => {
    for (const ok of ['.env', '.env.local', '.env.production.local', 'prod.env', 'app.env.local'])
      expect(isEnvFileName(`/x/${ok}`), ok).toBe(true);
    for (const bad of ['.envrc', 'env', '.bashrc', 'secrets.json']) expect(isEnvFileName(`/x/${bad}`), bad).toBe(false);
  });
});
