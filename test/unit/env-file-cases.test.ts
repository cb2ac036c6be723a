import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import {
  readEnvVariable,
  removeBackup,
  removeEnvBackup,
  restoreEnvVariable,
  writeEnvFile,
} from '../../electron/core/rotation/env-file.js';

/**
 * The file-system cases of TESTING.md: real files in a temp dir, each written with a key-shaped value,
 * then read back by dotenv and by bash (`set -a; . file`), and compared byte for byte.
 */

const KEY = 'lgh_live_N3wK3y0123456789abcdefXYZ';
const BOM = '\xef\xbb\xbf';
const bytes = (latin1: string) => Buffer.from(latin1, 'latin1');
const tempDir = () => mkdtempSync(join(tmpdir(), 'keydeck-envc-'));

/** What bash sees after sourcing the file, run in `cwd` so a value that executes would leave `pwned` there. */
function viaBash(file: string, variable: string, cwd: string): string {
  return execFileSync('bash', ['-c', 'set -a; . "$1"; printf %s "${!2}"', 'sh', file, variable], {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'pipe', 'ignore'],
  }).toString('latin1');
}
const viaDotenv = (file: string) => parse(readFileSync(file));

/** Asserts the file refuses with a message naming it, and leaves it byte for byte (and mode) as it was. */
async function expectRefused(write: Promise<unknown>, file: string, message: RegExp) {
  const before = existsSync(file) ? { bytes: readFileSync(file), mode: statSync(file).mode } : undefined;
  await expect(write).rejects.toMatchObject({
    error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(message) },
  });
  if (before) {
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mode).toBe(before.mode);
  }
}

interface Case {
  name: string;
  /** The file's bytes as a latin1 string; null: no file. */
  before: string | null;
  /** The exact bytes expected after writing. */
  after: string;
  value?: string;
  /** What bash reads, when not the value (a CRLF line keeps its CR in bash); null: bash cannot read this file's line at all. */
  bash?: string | null;
  /** Other variables both readers must still see. */
  others?: Record<string, string>;
}

const cases: Case[] = [
  {
    name: 'plain file',
    before: '# app\nA=1\nAPI_KEY=lgh_live_old\n\nB=2\n',
    after: `# app\nA=1\nAPI_KEY=${KEY}\n\nB=2\n`,
    others: { A: '1', B: '2' },
  },
  {
    name: 'CRLF file',
    before: 'A=1\r\nAPI_KEY=old\r\nB=2\r\n',
    after: `A=1\r\nAPI_KEY=${KEY}\r\nB=2\r\n`,
    bash: `${KEY}\r`,
  },
  {
    name: 'CRLF file, appended with CRLF',
    before: 'A=1\r\nB=2\r\n',
    after: `A=1\r\nB=2\r\nAPI_KEY=${KEY}\r\n`,
    bash: `${KEY}\r`,
  },
  {
    name: 'mixed endings, each kept',
    before: 'A=1\r\nAPI_KEY=old\nB=2\r\nC=3\n',
    after: `A=1\r\nAPI_KEY=${KEY}\nB=2\r\nC=3\n`,
    others: { C: '3' },
  },
  {
    name: 'mixed endings, appended with the dominant one (LF)',
    before: 'A=1\r\nB=2\nC=3\n',
    after: `A=1\r\nB=2\nC=3\nAPI_KEY=${KEY}\n`,
  },
  {
    name: 'UTF-8 BOM kept',
    before: `${BOM}# app\nAPI_KEY=old\nB=2\n`,
    after: `${BOM}# app\nAPI_KEY=${KEY}\nB=2\n`,
    others: { B: '2' },
  },
  // bash runs "<BOM>API_KEY=…" as a command name, with or without Keydeck: dotenv only.
  {
    name: 'UTF-8 BOM before the assignment',
    before: `${BOM}API_KEY=old\nB=2\n`,
    after: `${BOM}API_KEY=${KEY}\nB=2\n`,
    bash: null,
  },
  {
    name: 'Latin-1 and invalid UTF-8 bytes kept',
    before: '# caf\xe9 \xff\xfe\nAPI_KEY=old # r\xe9sum\xe9\nNAME=Jos\xe9\n',
    after: `# caf\xe9 \xff\xfe\nAPI_KEY=${KEY} # r\xe9sum\xe9\nNAME=Jos\xe9\n`,
  },
  {
    name: 'multi-line double-quoted value replaced whole',
    before: 'A=1\nAPI_KEY="line one\nline two\nline three"\nB=2\nexport C="x"\n',
    after: `A=1\nAPI_KEY="${KEY}"\nB=2\nexport C="x"\n`,
    others: { A: '1', B: '2', C: 'x' },
  },
  {
    name: 'multi-line single-quoted value with a comment',
    before: "API_KEY='a\nAPI_KEY=b\nc' # old key\nB=2\n",
    after: `API_KEY='${KEY}' # old key\nB=2\n`,
    others: { B: '2' },
  },
  {
    name: 'multi-line value with CRLF lines',
    before: 'API_KEY="a\r\nb"\r\nB=2\r\n',
    after: `API_KEY="${KEY}"\r\nB=2\r\n`,
    bash: `${KEY}\r`,
  },
  {
    name: "another variable's multi-line value that holds a look-alike line is untouched",
    before: 'CERT="-----BEGIN\nAPI_KEY=fake\n-----END"\nAPI_KEY=old\n',
    after: `CERT="-----BEGIN\nAPI_KEY=fake\n-----END"\nAPI_KEY=${KEY}\n`,
    others: { CERT: '-----BEGIN\nAPI_KEY=fake\n-----END' },
  },
  {
    name: 'export kept',
    before: 'export API_KEY=old\nexport B=2\n',
    after: `export API_KEY=${KEY}\nexport B=2\n`,
    others: { B: '2' },
  },
  { name: 'trailing comment kept', before: 'API_KEY=old # prod key\n', after: `API_KEY=${KEY} # prod key\n` },
  { name: 'double quotes kept', before: 'API_KEY="old" # q\n', after: `API_KEY="${KEY}" # q\n` },
  { name: 'single quotes kept', before: "API_KEY='old'\n", after: `API_KEY='${KEY}'\n` },
  {
    name: 'a # inside quotes is not a comment',
    before: 'API_KEY="old # not a comment"\n',
    after: `API_KEY="${KEY}"\n`,
  },
  {
    name: 'a # without a blank before it is part of the old value',
    before: 'API_KEY=old#x\n',
    after: `API_KEY=${KEY}\n`,
  },
  { name: 'backquotes (bash would run them) become bare', before: 'API_KEY=`old`\n', after: `API_KEY=${KEY}\n` },
  {
    name: 'duplicates all updated',
    before: 'API_KEY=a\nB=2\nAPI_KEY=b\n',
    after: `API_KEY=${KEY}\nB=2\nAPI_KEY=${KEY}\n`,
  },
  {
    name: 'prefix-sharing and commented-out names left alone',
    before: '# API_KEY=x\nAPI_KEY_OLD=y\n',
    after: `# API_KEY=x\nAPI_KEY_OLD=y\nAPI_KEY=${KEY}\n`,
    others: { API_KEY_OLD: 'y' },
  },
  { name: 'no trailing newline, replaced', before: 'A=1\nAPI_KEY=old', after: `A=1\nAPI_KEY=${KEY}` },
  { name: 'no trailing newline, appended', before: 'A=1', after: `A=1\nAPI_KEY=${KEY}\n`, others: { A: '1' } },
  { name: 'empty file', before: '', after: `API_KEY=${KEY}\n` },
  { name: 'new file', before: null, after: `API_KEY=${KEY}\n` },
  { name: 'value starting with ~ is quoted (no tilde expansion)', before: '', value: '~x', after: "API_KEY='~x'\n" },
  { name: 'value with $ is single-quoted', before: '', value: 'a$b', after: "API_KEY='a$b'\n" },
  {
    name: 'value with $ leaves double quotes for single ones',
    before: 'API_KEY="old"\n',
    value: 'a$HOME',
    after: "API_KEY='a$HOME'\n",
  },
  {
    name: "value with ' kept in existing double quotes",
    before: 'API_KEY="old"\n',
    value: "a'b",
    after: `API_KEY="a'b"\n`,
  },
  { name: 'value with " is single-quoted', before: 'API_KEY="old"\n', value: 'a"b', after: `API_KEY='a"b'\n` },
  {
    name: 'hostile value is read back exactly, never run',
    before: 'A=1\n',
    value: 'abc;touch${IFS}pwned',
    after: "A=1\nAPI_KEY='abc;touch${IFS}pwned'\n",
  },
  {
    name: 'command substitution is never run',
    before: 'API_KEY="old"\n',
    value: '$(touch${IFS}pwned)`touch${IFS}pwned`',
    after: "API_KEY='$(touch${IFS}pwned)`touch${IFS}pwned`'\n",
  },
  { name: 'backslashes are literal', before: '', value: 'a\\nb\\', after: "API_KEY='a\\nb\\'\n" },
];

describe('writeEnvFile: the table of file cases, read back by dotenv and bash', () => {
  it.each(cases)('$name', async ({ before, after, value = KEY, bash, others = {} }) => {
    const d = tempDir();
    const file = join(d, '.env');
    if (before !== null) writeFileSync(file, bytes(before), { mode: 0o640 });
    const result = await writeEnvFile(file, 'API_KEY', value);
    expect(readFileSync(file).toString('latin1')).toBe(after);
    expect(statSync(file).mode & 0o777).toBe(before === null ? 0o600 : 0o640);
    const parsed = viaDotenv(file);
    expect(parsed.API_KEY).toBe(value);
    if (bash !== null) expect(viaBash(file, 'API_KEY', d)).toBe(bash ?? value);
    for (const [name, v] of Object.entries(others)) {
      expect(parsed[name], name).toBe(v);
      expect(viaBash(file, name, d), name).toBe(v);
    }
    expect(existsSync(join(d, 'pwned'))).toBe(false);
    expect(await readEnvVariable(file, 'API_KEY')).toEqual({ kind: 'value', value });
    // No backup unless asked for, and no temporary file left behind.
    expect(readdirSync(d)).toEqual(['.env']);
    expect(result.backup).toBeUndefined();
  });

  it('readEnvVariable reads every "before" file as dotenv does', async () => {
    for (const { name, before } of cases) {
      if (before === null) continue;
      const file = join(tempDir(), '.env');
      writeFileSync(file, bytes(before));
      const expected = viaDotenv(file).API_KEY;
      expect(await readEnvVariable(file, 'API_KEY'), name).toEqual(
        expected === undefined ? { kind: 'absent' } : { kind: 'value', value: expected },
      );
    }
  });

  it('reports what the variable held before', async () => {
    const file = join(tempDir(), '.env');
    expect((await writeEnvFile(file, 'API_KEY', 'one')).previous).toEqual({ kind: 'missing-file' });
    expect((await writeEnvFile(file, 'OTHER', 'x')).previous).toEqual({ kind: 'absent' });
    expect(await writeEnvFile(file, 'API_KEY', 'two')).toEqual({
      replaced: 1,
      backup: undefined,
      previous: { kind: 'value', value: 'one' },
    });
  });

  it('reads double-quoted \\n as a newline and the last duplicate, as dotenv does', async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'K="a\\nb"\nL=1\nL=2 # two\nM=\n');
    expect(await readEnvVariable(file, 'K')).toEqual({ kind: 'value', value: 'a\nb' });
    expect(await readEnvVariable(file, 'L')).toEqual({ kind: 'value', value: '2' });
    expect(await readEnvVariable(file, 'M')).toEqual({ kind: 'value', value: '' });
    expect(await readEnvVariable(file, 'N')).toEqual({ kind: 'absent' });
    expect(await readEnvVariable(join(tempDir(), '.env'), 'K')).toEqual({ kind: 'missing-file' });
  });
});

describe('writeEnvFile refuses unsafe values and names, and changes nothing', () => {
  it.each([
    ['a b', /blanks/],
    ['a\tb', /blanks/],
    ['a\nB=1', /line breaks/],
    ['a\rb', /line breaks/],
    ['a\0b', /control/],
    ['a\x1bb', /control/],
    ['clé', /non-ASCII/],
    [`a'b"c`, /both kinds of quotes/],
    ["a'b", /single quote/],
    ['', /empty/],
  ])('value %j', async (value, message) => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'API_KEY=old\n');
    await expectRefused(writeEnvFile(file, 'API_KEY', value), file, message);
  });

  it.each(['BAD-NAME', '1X', 'A B', '', 'A=B', 'A\nB', `A${'B'.repeat(128)}`])('variable name %j', async (variable) => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'A=1\n');
    await expectRefused(writeEnvFile(file, variable, KEY), file, /variable name/);
    await expect(readEnvVariable(file, variable)).rejects.toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });

  it('never names the key in a refusal', async () => {
    const file = join(tempDir(), '.env');
    const err = await writeEnvFile(file, 'API_KEY', `${KEY} x`).catch((e: unknown) => e);
    expect(JSON.stringify(err)).not.toContain(KEY);
  });
});

describe('writeEnvFile and links', () => {
  it('writes a symlink’s target and keeps the link', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'real.env'), 'A=1\nAPI_KEY=old\n', { mode: 0o644 });
    symlinkSync('real.env', join(d, '.env'));
    await writeEnvFile(join(d, '.env'), 'API_KEY', KEY);
    expect(lstatSync(join(d, '.env')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(d, '.env'))).toBe('real.env');
    expect(readFileSync(join(d, 'real.env'), 'utf8')).toBe(`A=1\nAPI_KEY=${KEY}\n`);
    expect(statSync(join(d, 'real.env')).mode & 0o777).toBe(0o644);
    expect(viaDotenv(join(d, '.env')).API_KEY).toBe(KEY);
    expect(viaBash(join(d, '.env'), 'API_KEY', d)).toBe(KEY);
    expect(readdirSync(d).sort()).toEqual(['.env', 'real.env']);
  });

  it('follows a chain of links, through a linked folder, to the real file', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'shared'));
    writeFileSync(join(d, 'shared', 'prod.env'), 'API_KEY=old\n');
    symlinkSync(join(d, 'shared'), join(d, 'alias'));
    symlinkSync('alias/prod.env', join(d, 'middle.env'));
    symlinkSync('middle.env', join(d, '.env'));
    await writeEnvFile(join(d, '.env'), 'API_KEY', KEY);
    expect(lstatSync(join(d, '.env')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(d, 'middle.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'shared', 'prod.env'), 'utf8')).toBe(`API_KEY=${KEY}\n`);
    expect(readdirSync(join(d, 'shared'))).toEqual(['prod.env']);
    expect(viaBash(join(d, '.env'), 'API_KEY', d)).toBe(KEY);
  });

  it('refuses a dangling link (does not create its target); reading it says the file is missing', async () => {
    const d = tempDir();
    symlinkSync('gone.env', join(d, '.env'));
    await expectRefused(
      writeEnvFile(join(d, '.env'), 'API_KEY', KEY),
      join(d, '.env'),
      /\.env is a link to a file that does not exist/,
    );
    expect(existsSync(join(d, 'gone.env'))).toBe(false);
    expect(await readEnvVariable(join(d, '.env'), 'API_KEY')).toEqual({ kind: 'missing-file' });
  });

  it('refuses a link loop', async () => {
    const d = tempDir();
    symlinkSync('b.env', join(d, '.env'));
    symlinkSync('.env', join(d, 'b.env'));
    await expectRefused(writeEnvFile(join(d, '.env'), 'API_KEY', KEY), join(d, '.env'), /loops/);
  });

  it('refuses a link to a file that is not a .env file, and leaves that file alone', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'authorized_keys'), 'ssh-ed25519 AAAA user\n');
    symlinkSync('authorized_keys', join(d, '.env'));
    await expectRefused(
      writeEnvFile(join(d, '.env'), 'API_KEY', KEY),
      join(d, 'authorized_keys'),
      /link to authorized_keys, which is not a \.env file/,
    );
    await expect(readEnvVariable(join(d, '.env'), 'API_KEY')).rejects.toMatchObject({
      error: { code: 'VALIDATION_FAILED' },
    });
  });

  it('writes a hard-linked file in place, so every link sees the new key', async () => {
    const d = tempDir();
    mkdirSync(join(d, 'other'));
    writeFileSync(join(d, '.env'), 'A=1\nAPI_KEY=old_and_rather_long_value_to_shrink\nB=2\n', { mode: 0o640 });
    linkSync(join(d, '.env'), join(d, 'other', '.env'));
    const ino = statSync(join(d, '.env')).ino;
    await writeEnvFile(join(d, '.env'), 'API_KEY', KEY);
    for (const name of [join(d, '.env'), join(d, 'other', '.env')]) {
      expect(readFileSync(name, 'utf8')).toBe(`A=1\nAPI_KEY=${KEY}\nB=2\n`);
      expect(statSync(name)).toMatchObject({ ino, nlink: 2 });
      expect(statSync(name).mode & 0o777).toBe(0o640);
      expect(viaDotenv(name).API_KEY).toBe(KEY);
      expect(viaBash(name, 'API_KEY', d)).toBe(KEY);
    }
    expect(readdirSync(d).sort()).toEqual(['.env', 'other']);
  });

  it('replaces a single-link file by rename (a new inode), never leaving a temporary file', async () => {
    const d = tempDir();
    writeFileSync(join(d, '.env'), 'API_KEY=old\n');
    const ino = statSync(join(d, '.env')).ino;
    await writeEnvFile(join(d, '.env'), 'API_KEY', KEY);
    expect(statSync(join(d, '.env')).ino).not.toBe(ino);
    expect(readdirSync(d)).toEqual(['.env']);
  });
});

describe('writeEnvFile refuses what is not a regular file, without blocking', () => {
  it('a FIFO as the .env', { timeout: 3000 }, async () => {
    const d = tempDir();
    execFileSync('mkfifo', [join(d, '.env')]);
    await expectRefused(
      writeEnvFile(join(d, '.env'), 'API_KEY', KEY),
      join(d, 'none'),
      /\.env is a named pipe \(FIFO\)/,
    );
    await expect(readEnvVariable(join(d, '.env'), 'API_KEY')).rejects.toMatchObject({
      error: { message: expect.stringMatching(/FIFO/) },
    });
    await expect(
      restoreEnvVariable(join(d, '.env'), 'API_KEY', { expect: KEY, restore: { kind: 'absent' } }),
    ).rejects.toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect(lstatSync(join(d, '.env')).isFIFO()).toBe(true);
  });

  it('a link to a FIFO', { timeout: 3000 }, async () => {
    const d = tempDir();
    execFileSync('mkfifo', [join(d, 'pipe.env')]);
    symlinkSync('pipe.env', join(d, '.env'));
    await expectRefused(writeEnvFile(join(d, '.env'), 'API_KEY', KEY), join(d, 'none'), /named pipe/);
  });

  it('a folder as the .env', async () => {
    const d = tempDir();
    mkdirSync(join(d, '.env'));
    await expectRefused(writeEnvFile(join(d, '.env'), 'API_KEY', KEY), join(d, 'none'), /\.env is a folder/);
    expect(readdirSync(join(d, '.env'))).toEqual([]);
  });

  it('a socket as the .env', { timeout: 3000 }, async () => {
    const d = tempDir();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(d, '.env'), resolve));
    try {
      await expectRefused(writeEnvFile(join(d, '.env'), 'API_KEY', KEY), join(d, 'none'), /\.env is a socket/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a device as the .env', { timeout: 3000 }, async (ctx) => {
    const d = tempDir();
    try {
      execFileSync('mknod', [join(d, '.env'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      ctx.skip(); // no CAP_MKNOD here
    }
    await expectRefused(writeEnvFile(join(d, '.env'), 'API_KEY', KEY), join(d, 'none'), /\.env is a device/);
  });

  it('a file over 1 MiB (2 MiB, and 1 MiB + 1 byte); exactly 1 MiB is fine', async () => {
    const d = tempDir();
    const big = join(d, '.env');
    writeFileSync(big, `API_KEY=old\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    await expectRefused(writeEnvFile(big, 'API_KEY', KEY), big, /larger than 1 MiB/);
    await expect(readEnvVariable(big, 'API_KEY')).rejects.toMatchObject({
      error: { message: expect.stringMatching(/larger than 1 MiB/) },
    });
    const head = 'API_KEY=old\n# ';
    writeFileSync(big, `${head}${'x'.repeat(1024 * 1024 - head.length)}`);
    expect(statSync(big).size).toBe(1024 * 1024);
    expect(await readEnvVariable(big, 'API_KEY')).toEqual({ kind: 'value', value: 'old' });
    writeFileSync(big, `${head}${'x'.repeat(1024 * 1024 - head.length + 1)}`);
    await expectRefused(writeEnvFile(big, 'API_KEY', KEY), big, /larger than 1 MiB/);
  });
});

describe('writeEnvFile keeps owner and mode, and refuses files that are not ours to change', () => {
  it('refuses a read-only file', async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'API_KEY=old\n', { mode: 0o444 });
    await expectRefused(writeEnvFile(file, 'API_KEY', KEY), file, /\.env is read-only/);
    expect(statSync(file).mode & 0o777).toBe(0o444);
  });

  it("refuses another user's file (uid 65534), even as root", async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'API_KEY=old\n', { mode: 0o666 });
    chownSync(file, 65534, 65534);
    await expectRefused(writeEnvFile(file, 'API_KEY', KEY), file, /\.env belongs to another user/);
    expect(statSync(file)).toMatchObject({ uid: 65534, gid: 65534 });
    // Reading it is fine.
    expect(await readEnvVariable(file, 'API_KEY')).toEqual({ kind: 'value', value: 'old' });
  });

  it("keeps the original's mode and group after the rename", async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'API_KEY=old\n');
    chmodSync(file, 0o640);
    chownSync(file, process.getuid!(), 65534);
    await writeEnvFile(file, 'API_KEY', KEY);
    expect(statSync(file)).toMatchObject({ uid: process.getuid!(), gid: 65534 });
    expect(statSync(file).mode & 0o7777).toBe(0o640);
  });
});

describe('writeEnvFile backups', () => {
  it('keeps the original bytes at backupPath (0600); a second write with the same path keeps the first original', async () => {
    const d = tempDir();
    const file = join(d, '.env');
    const original = bytes('# caf\xe9\r\nAPI_KEY=old\n');
    writeFileSync(file, original, { mode: 0o644 });
    const backupPath = `${file}.keydeck-rot_abc12345.bak`;
    const first = await writeEnvFile(file, 'API_KEY', 'lgh_live_first', { backupPath });
    expect(first).toEqual({ replaced: 1, backup: backupPath, previous: { kind: 'value', value: 'old' } });
    expect(readFileSync(backupPath).equals(original)).toBe(true);
    expect(statSync(backupPath).mode & 0o777).toBe(0o600);
    const second = await writeEnvFile(file, 'API_KEY', KEY, { backupPath });
    expect(second).toEqual({ replaced: 1, backup: backupPath, previous: { kind: 'value', value: 'lgh_live_first' } });
    expect(readFileSync(backupPath).equals(original)).toBe(true);
    expect(await readEnvVariable(backupPath, 'API_KEY')).toEqual({ kind: 'value', value: 'old' });
    expect(readFileSync(file, 'latin1')).toBe(`# caf\xe9\r\nAPI_KEY=${KEY}\n`);
  });

  it('makes no backup of a file that did not exist', async () => {
    const d = tempDir();
    const backupPath = join(d, '.env.keydeck-rot_abc12345.bak');
    expect((await writeEnvFile(join(d, '.env'), 'API_KEY', KEY, { backupPath })).backup).toBeUndefined();
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('refuses a backup path that is the file itself (or its link target)', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'real.env'), 'API_KEY=old\n');
    symlinkSync('real.env', join(d, '.env'));
    for (const backupPath of [join(d, '.env'), join(d, 'real.env')]) {
      await expectRefused(
        writeEnvFile(join(d, '.env'), 'API_KEY', KEY, { backupPath }),
        join(d, 'real.env'),
        /cannot be the file itself/,
      );
    }
  });

  const planted: [string, (path: string, d: string) => void, RegExp][] = [
    ['a FIFO', (p) => execFileSync('mkfifo', [p]), /named pipe/],
    ['a symlink to another file', (p, d) => symlinkSync(join(d, 'authorized_keys'), p), /symbolic link/],
    ['a dangling symlink', (p, d) => symlinkSync(join(d, 'created-by-mistake'), p), /symbolic link/],
    ['a folder', (p) => mkdirSync(p), /folder/],
    ["another user's file", (p) => (writeFileSync(p, 'x'), chownSync(p, 65534, 65534)), /a file Keydeck did not make/],
    ['a hard link to another file', (p, d) => linkSync(join(d, 'authorized_keys'), p), /a file Keydeck did not make/],
  ];
  it.each(planted)(
    'refuses %s planted at the backup path, follows nothing, writes nothing',
    { timeout: 3000 },
    async (_, plant, message) => {
      const d = tempDir();
      const file = join(d, '.env');
      writeFileSync(file, 'API_KEY=old\n');
      writeFileSync(join(d, 'authorized_keys'), 'ssh-ed25519 AAAA user\n');
      const backupPath = `${file}.keydeck-rot_abc12345.bak`;
      plant(backupPath, d);
      const kind = lstatSync(backupPath).mode;
      await expectRefused(writeEnvFile(file, 'API_KEY', KEY, { backupPath }), file, message);
      expect(readFileSync(join(d, 'authorized_keys'), 'utf8')).toBe('ssh-ed25519 AAAA user\n');
      expect(existsSync(join(d, 'created-by-mistake'))).toBe(false);
      expect(lstatSync(backupPath).mode).toBe(kind);
    },
  );

  it('removeBackup removes only a regular file, never through a link, and is idempotent', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'victim'), 'keep me');
    writeFileSync(join(d, 'a.bak'), 'old');
    symlinkSync(join(d, 'victim'), join(d, 'b.bak'));
    execFileSync('mkfifo', [join(d, 'c.bak')]);
    for (const name of ['a.bak', 'b.bak', 'c.bak', 'missing.bak']) await removeBackup(join(d, name));
    await removeBackup(join(d, 'a.bak'));
    expect(readdirSync(d).sort()).toEqual(['b.bak', 'c.bak', 'victim']);
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('keep me');
  });

  it('removeEnvBackup still removes the older <file>.keydeck.bak, only a regular file', async () => {
    const d = tempDir();
    writeFileSync(join(d, '.env.keydeck.bak'), 'old');
    await removeEnvBackup(join(d, '.env'));
    await removeEnvBackup(join(d, '.env'));
    expect(existsSync(join(d, '.env.keydeck.bak'))).toBe(false);
    writeFileSync(join(d, 'victim'), 'keep me');
    symlinkSync(join(d, 'victim'), join(d, 'prod.env.keydeck.bak'));
    await removeEnvBackup(join(d, 'prod.env'));
    expect(lstatSync(join(d, 'prod.env.keydeck.bak')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('keep me');
  });
});

describe('restoreEnvVariable', () => {
  const restoreOld = { expect: KEY, restore: { kind: 'value', value: 'lgh_live_old' } } as const;

  it('puts the old value back where the file holds the new key, leaving the file as it was', async () => {
    const d = tempDir();
    const file = join(d, '.env');
    const original = 'A=1\r\nexport API_KEY="lgh_live_old" # prod\nB=caf\xe9\n';
    writeFileSync(file, bytes(original), { mode: 0o640 });
    await writeEnvFile(file, 'API_KEY', KEY);
    expect(await restoreEnvVariable(file, 'API_KEY', restoreOld)).toEqual({ restored: true });
    expect(readFileSync(file, 'latin1')).toBe(original);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(viaBash(file, 'API_KEY', d)).toBe('lgh_live_old');
  });

  it('removes the line Keydeck added when the variable was absent', async () => {
    const d = tempDir();
    const file = join(d, '.env');
    writeFileSync(file, 'A=1\r\nB=2\r\n');
    await writeEnvFile(file, 'API_KEY', KEY);
    expect(await restoreEnvVariable(file, 'API_KEY', { expect: KEY, restore: { kind: 'absent' } })).toEqual({
      restored: true,
    });
    expect(readFileSync(file, 'utf8')).toBe('A=1\r\nB=2\r\n');
    expect(await readEnvVariable(file, 'API_KEY')).toEqual({ kind: 'absent' });
  });

  it('leaves a value someone changed since, and says why without naming any key', async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, 'API_KEY=lgh_live_someone_elses\n');
    const result = await restoreEnvVariable(file, 'API_KEY', restoreOld);
    expect(result).toEqual({ restored: false, reason: expect.stringMatching(/changed since Keydeck wrote it/) });
    expect(result.reason).not.toMatch(/lgh_live/);
    expect(readFileSync(file, 'utf8')).toBe('API_KEY=lgh_live_someone_elses\n');
  });

  it('says so when the variable or the file is gone', async () => {
    const d = tempDir();
    const file = join(d, '.env');
    writeFileSync(file, 'A=1\n');
    expect(await restoreEnvVariable(file, 'API_KEY', restoreOld)).toEqual({
      restored: false,
      reason: 'API_KEY is no longer in .env',
    });
    expect(await restoreEnvVariable(join(d, 'gone.env'), 'API_KEY', restoreOld)).toEqual({
      restored: false,
      reason: 'gone.env no longer exists',
    });
    expect(readdirSync(d)).toEqual(['.env']);
  });

  it('restores through a symlink, keeping the link, and in place for a hard link', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'real.env'), `API_KEY=${KEY}\n`);
    symlinkSync('real.env', join(d, '.env'));
    linkSync(join(d, 'real.env'), join(d, 'hard.env'));
    expect(await restoreEnvVariable(join(d, '.env'), 'API_KEY', restoreOld)).toEqual({ restored: true });
    expect(lstatSync(join(d, '.env')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'hard.env'), 'utf8')).toBe('API_KEY=lgh_live_old\n');
  });

  it('refuses a read-only file that holds the new key', async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, `API_KEY=${KEY}\n`, { mode: 0o400 });
    await expectRefused(restoreEnvVariable(file, 'API_KEY', restoreOld), file, /read-only/);
  });

  it('refuses a restore value it could not write safely', async () => {
    const file = join(tempDir(), '.env');
    writeFileSync(file, `API_KEY=${KEY}\n`);
    await expectRefused(
      restoreEnvVariable(file, 'API_KEY', { expect: KEY, restore: { kind: 'value', value: 'a\nB=1' } }),
      file,
      /line breaks/,
    );
  });
});
