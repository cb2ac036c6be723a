// Long on purpose: reading, writing, restoring and backing up one .env variable share one byte-exact reader and one set of file-safety checks (links, FIFOs, owners, modes); split apart they would drift.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fail } from '../../../shared/errors.js';

/**
 * Reading and editing one variable of a `.env` file the person picked, without harming the file:
 * links stay links, special files are refused without blocking, every other byte is kept, and the
 * value is written so that dotenv, docker compose and `bash -c '. file'` all read it back as is.
 *
 * The text is handled as 'latin1' strings: one char per byte, so any bytes (invalid UTF-8, Latin-1,
 * a BOM, CR) survive the round trip exactly.
 */

/** A key file is small; a bigger one is not a .env file we should hold in memory and rewrite. */
const MAX_BYTES = 1024 * 1024;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Safe unquoted for dotenv and bash (no `#`, `$`, quotes, spaces, globs, `~`, `;`, `&`, `|`, ...). */
const BARE = /^[A-Za-z0-9_./+=:@%,-]+$/;
const BOM = '\xef\xbb\xbf';
// O_NOFOLLOW and O_NONBLOCK do not exist on Windows; there the checks on the opened handle remain.
const { O_CREAT, O_EXCL, O_WRONLY, O_RDONLY } = constants;
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

export type EnvValue = { kind: 'absent' } | { kind: 'value'; value: string };
export type EnvRead = EnvValue | { kind: 'missing-file' };

/**
 * Only files named like env files: `.env`, `.env.production`, `production.env`, `app.env.local`.
 * A renderer that asked Keydeck to write a key anywhere else is refused.
 */
/** A name Keydeck gives its own backups (`<file>.keydeck.bak`, `<file>.keydeck-<rotation>.bak`): never a deploy target. */
export function isBackupName(path: string): boolean {
  return /\.keydeck(-[A-Za-z0-9_]+)?\.bak$/.test(basename(path));
}

export function isEnvFileName(path: string): boolean {
  const name = basename(path);
  return /^\.env(\.[A-Za-z0-9_-]+)*$/.test(name) || /^[A-Za-z0-9_-]+\.env(\.[A-Za-z0-9_-]+)*$/.test(name);
}

// ---------------------------------------------------------------------------------------------
// The text: lines, assignments, values.

interface Line {
  body: string;
  eol: '' | '\n' | '\r\n';
}

/** One assignment of a variable, possibly a quoted value spanning several lines (`first`..`last`). */
interface Assignment {
  name: string;
  first: number;
  last: number;
  /** Leading blanks, `export `, the name and `=` with its spaces: kept on rewrite. */
  head: string;
  quote: '' | '"' | "'" | '`';
  /** The value as written between the quotes (lines joined by \n), or the bare value. */
  raw: string;
  /** A trailing ` # comment`, kept on rewrite. */
  comment: string;
}

// dotenv's own grammar: optional `export`, a name of [\w.-], `=` with optional blanks around it.
const ASSIGN = /^([ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=[ \t]*)(.*)$/;

/** Splits into lines that each keep their own ending, so mixed endings survive. A BOM is set apart. */
function split(text: string): { bom: string; lines: Line[] } {
  const bom = text.startsWith(BOM) ? BOM : '';
  const lines: Line[] = [];
  for (let at = bom.length; at < text.length;) {
    const nl = text.indexOf('\n', at);
    const end = nl === -1 ? text.length : nl + 1;
    const raw = text.slice(at, end);
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    lines.push({ body: raw.slice(0, raw.length - eol.length), eol });
    at = end;
  }
  return { bom, lines };
}

/**
 * A quoted value as dotenv v16 matches it: up to a closing quote followed only by blanks or a comment
 * on its line, where `\q` may be an escaped quote or (backtracking, as dotenv's regex does) a backslash
 * ending the value. It may span lines. Sticky, so it runs on the whole text without copying it.
 */
const quoted = (q: string) => new RegExp(`((?:\\\\${q}|[^${q}])*)${q}([ \\t]*(?:#[^\\n]*)?)(?=\\n|$)`, 'y');
const QUOTED = { '"': quoted('"'), "'": quoted("'"), '`': quoted('`') };

/**
 * Every assignment in the file, in order. A quoted value may span lines (dotenv and bash both read
 * it so); its lines are one assignment, so a line inside another variable's value that looks like
 * `KEY=…` is never mistaken for one, and replacing a multi-line value leaves no orphan lines.
 */
function assignments(lines: Line[]): Assignment[] {
  const found: Assignment[] = [];
  const text = lines.map((l) => l.body).join('\n'); // endings normalised, as dotenv does before matching
  for (let i = 0, start = 0; i < lines.length; start += lines[i]!.body.length + 1, i++) {
    const m = ASSIGN.exec(lines[i]!.body);
    if (!m) continue;
    const [, head, name, rest] = m as unknown as [string, string, string, string];
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      const pattern = QUOTED[quote];
      pattern.lastIndex = start + head.length + 1;
      const q = pattern.exec(text);
      if (q) {
        const [, raw, trailer] = q as unknown as [string, string, string];
        const last = i + (raw.match(/\n/g)?.length ?? 0);
        const comment = trailer.includes('#') ? trailer.replace(/^[ \t]*/, (blanks) => blanks || ' ') : '';
        found.push({ name, first: i, last, head, quote, raw, comment });
        for (; i < last; i++) start += lines[i]!.body.length + 1;
        continue;
      }
    }
    // A bare value (or an unclosed quote, which dotenv also reads as a bare value): a comment needs a blank before `#`.
    const comment = /[ \t]+#.*$/.exec(rest);
    found.push({
      name,
      first: i,
      last: i,
      head,
      quote: '',
      raw: comment ? rest.slice(0, comment.index) : rest,
      comment: comment?.[0] ?? '',
    });
  }
  return found;
}

/** The value as dotenv reads it (v16 `parse`), decoded from the file's bytes as UTF-8. */
function valueOf(a: Assignment): string {
  let v = a.raw;
  if (a.quote === '"') v = v.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
  else if (a.quote === '') v = (v.split('#')[0] ?? '').trim();
  return Buffer.from(v, 'latin1').toString('utf8');
}

/** The current value of `variable` in the text: the last assignment wins, as in dotenv. */
function readValue(text: string, variable: string): EnvValue {
  const last = assignments(split(text).lines)
    .filter((a) => a.name === variable)
    .pop();
  return last ? { kind: 'value', value: valueOf(last) } : { kind: 'absent' };
}

function checkVariable(variable: string): void {
  if (!VARIABLE.test(variable))
    fail(
      'VALIDATION_FAILED',
      'The variable name must be letters, digits and _ (not starting with a digit), at most 128 characters.',
    );
}

/**
 * The value as it will be written. Keys are printable ASCII without blanks; anything else is refused
 * here too, as a value with a newline, a quote or `$(…)` could change what the file does when a shell
 * sources it. Bare when nothing in it means anything to a shell or dotenv; otherwise in single quotes,
 * which are literal for dotenv, docker compose and bash. An existing quoting is kept where it is safe.
 */
function render(value: string, quoted: Assignment['quote']): string {
  // Backquotes are command substitution for bash: never kept.
  const existing = quoted === '`' ? '' : quoted;
  if (!/^[\x21-\x7e]*$/.test(value))
    fail(
      'VALIDATION_FAILED',
      'The value has blanks, line breaks, control or non-ASCII characters; Keydeck does not write it into a .env file.',
    );
  if (value.includes("'") && value.includes('"'))
    fail('VALIDATION_FAILED', 'The value has both kinds of quotes; Keydeck cannot write it safely into a .env file.');
  // Double quotes are kept only when nothing inside is special to bash (`$`, backquote, `\`) or ends them.
  if (existing === '"' && !/[$`"\\]/.test(value)) return `"${value}"`;
  if (existing === "'" && !value.includes("'")) return `'${value}'`;
  // BARE has no `~`, which bash would expand right after `=`.
  if (existing === '' && BARE.test(value)) return value;
  if (value.includes("'"))
    fail(
      'VALIDATION_FAILED',
      'The value has a single quote and needs quoting; Keydeck cannot write it safely into a .env file.',
    );
  return `'${value}'`;
}

/**
 * Rebuilds the text with each assignment of `variable` given by `change`: a new line (without its
 * ending), null to drop its lines, undefined to keep it. Every other byte is kept.
 */
function rewrite(
  text: string,
  variable: string,
  change: (a: Assignment) => string | null | undefined,
): { text: string; changed: number; lines: Line[] } {
  const { bom, lines } = split(text);
  const out = [bom];
  let at = 0;
  let changed = 0;
  for (const a of assignments(lines)) {
    if (a.name !== variable) continue;
    const next = change(a);
    if (next === undefined) continue;
    for (; at < a.first; at++) out.push(lines[at]!.body + lines[at]!.eol);
    // The assignment's lines become one, ended as its last line was.
    if (next !== null) out.push(next + lines[a.last]!.eol);
    at = a.last + 1;
    changed++;
  }
  for (; at < lines.length; at++) out.push(lines[at]!.body + lines[at]!.eol);
  return { text: out.join(''), changed, lines };
}

/** Each assignment of `variable` in the text, as its exact lines (a multi-line value's inner line endings kept, the last one not). */
function spans(text: string, variable: string): string[] {
  const { lines } = split(text);
  return assignments(lines)
    .filter((a) => a.name === variable)
    .map((a) =>
      lines
        .slice(a.first, a.last + 1)
        .map((l, i, all) => l.body + (i < all.length - 1 ? l.eol : ''))
        .join(''),
    );
}

/**
 * Sets `variable` in the text of a .env file (its bytes as a 'latin1' string), keeping every other
 * line as it was. Every assignment of the variable is updated, so a later duplicate cannot shadow the
 * new value; each keeps its `export`, quoting (where safe) and comment. With none, one is appended,
 * ended with the file's dominant line ending.
 */
export function setEnvVariable(text: string, variable: string, value: string): { text: string; replaced: number } {
  checkVariable(variable);
  const result = rewrite(text, variable, (a) => a.head + render(value, a.quote) + a.comment);
  if (result.changed) return { text: result.text, replaced: result.changed };
  const { lines } = result;
  const crlf = lines.filter((l) => l.eol === '\r\n').length;
  const eol = crlf > lines.filter((l) => l.eol === '\n').length ? '\r\n' : '\n';
  const end = lines.length && lines[lines.length - 1]!.eol === '' ? eol : '';
  return { text: `${result.text}${end}${variable}=${render(value, '')}${eol}`, replaced: 0 };
}

// ---------------------------------------------------------------------------------------------
// The file: finding it, opening it safely, writing it back.

interface EnvFile {
  /** The name the person gave, for messages. */
  name: string;
  /** The file actually read and written: a symlink's final target. */
  real: string;
  /** Undefined when there is no file (yet). */
  st?: Stats;
  bytes: Buffer;
  dangling?: boolean;
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function what(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function checkPath(path: string): string {
  if (!isAbsolute(path) || path.includes('\0')) fail('VALIDATION_FAILED', 'Choose the .env file by its full path.');
  if (!isEnvFileName(path))
    fail('VALIDATION_FAILED', `Keydeck writes keys only into .env files; ${basename(path)} is not one.`);
  return basename(path);
}

/**
 * Finds and reads the file. A symlink (or a chain) is resolved to its real target, which must be a
 * .env file too: a link must not lead Keydeck into writing ~/.ssh/authorized_keys. A dangling link
 * is reported as such (`dangling`); writing refuses it rather than create a file where it points.
 * Anything but a regular file is refused before and after opening; the open never blocks (O_NONBLOCK,
 * so a FIFO swapped in meanwhile cannot hang us) and never follows a link swapped in (O_NOFOLLOW).
 */
async function load(path: string): Promise<EnvFile> {
  const name = checkPath(path);
  const link = await lstat(path).catch((e: unknown) => (code(e) === 'ENOENT' ? undefined : Promise.reject(e)));
  const inRealFolder = async () => join(await realpath(dirname(path)).catch(() => dirname(path)), name);
  if (!link) return { name, real: await inRealFolder(), bytes: Buffer.alloc(0) };
  let real = await inRealFolder();
  if (link.isSymbolicLink()) {
    const target = await realpath(path).catch((e: unknown) => {
      if (code(e) === 'ENOENT') return undefined;
      if (code(e) === 'ELOOP')
        fail('VALIDATION_FAILED', `${name} is a symbolic link that loops; Keydeck does not write through it.`);
      throw e;
    });
    if (target === undefined) return { name, real: path, bytes: Buffer.alloc(0), dangling: true };
    if (!isEnvFileName(target))
      fail(
        'VALIDATION_FAILED',
        `${name} is a link to ${basename(target)}, which is not a .env file; Keydeck does not write through it.`,
      );
    real = target;
  }
  const before = link.isSymbolicLink() ? await lstat(real) : link;
  if (!before.isFile())
    fail(
      'VALIDATION_FAILED',
      `${name} is ${what(before)}, not a regular file; Keydeck writes keys only into regular files.`,
    );
  if (before.size > MAX_BYTES)
    fail('VALIDATION_FAILED', `${name} is larger than 1 MiB; Keydeck does not edit a .env file that big.`);
  const handle = await open(real, O_RDONLY | O_NOFOLLOW | O_NONBLOCK).catch((e: unknown) => {
    if (code(e) === 'ELOOP') fail('VALIDATION_FAILED', `${name} changed while Keydeck was reading it; try again.`);
    throw e;
  });
  try {
    const st = await handle.stat();
    if (!st.isFile())
      fail(
        'VALIDATION_FAILED',
        `${name} is ${what(st)}, not a regular file; Keydeck writes keys only into regular files.`,
      );
    if (st.size > MAX_BYTES)
      fail('VALIDATION_FAILED', `${name} is larger than 1 MiB; Keydeck does not edit a .env file that big.`);
    // One byte more than fstat's size: a file still growing is noticed, and at most cap + 1 bytes are read.
    const bytes = Buffer.alloc(st.size + 1);
    let got = 0;
    for (let n = -1; n !== 0 && got < bytes.length; got += n)
      n = (await handle.read(bytes, got, bytes.length - got, got)).bytesRead;
    if (got > st.size) fail('VALIDATION_FAILED', `${name} changed while Keydeck was reading it; try again.`);
    return { name, real, st, bytes: bytes.subarray(0, got) };
  } finally {
    await handle.close();
  }
}

/**
 * A file the person made read-only, or someone else's file, is theirs to protect: refused, never
 * replaced. (Root can write anything, which is why the mode and owner are checked, not access().)
 */
function checkWritable(file: EnvFile): void {
  const { st, name } = file;
  if (!st) return;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    fail('VALIDATION_FAILED', `${name} belongs to another user; Keydeck does not change it.`);
  if ((st.mode & 0o200) === 0)
    fail(
      'VALIDATION_FAILED',
      `${name} is read-only; Keydeck does not change it. Make it writable first, or choose another target.`,
    );
}

async function syncFolder(folder: string): Promise<void> {
  // Makes the rename itself durable. Not possible everywhere (Windows); the data is already synced.
  const handle = await open(folder, O_RDONLY).catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}

const changedMeanwhile = (name: string) =>
  fail('VALIDATION_FAILED', `${name} changed while Keydeck was writing it; nothing was written. Try again.`);

/**
 * Writes the new bytes. Three cases:
 * - no file: created exclusively (O_EXCL, mode 0600), so nothing that appeared meanwhile is replaced;
 * - one link: a temporary file in the real target's folder, flushed, given the original's mode and
 *   owner, then renamed over it. A crash leaves the old file or the new one, never half of one;
 * - several hard links: written in place (truncate + write + fsync on the same inode). A rename would
 *   give this name a new inode and leave every other link holding the old key, which is what a hard
 *   link is made to avoid. This gives up atomicity for a file of at most 1 MiB, written in one call;
 *   the engine's backup holds the original.
 */
async function save(file: EnvFile, bytes: Buffer): Promise<void> {
  const { st, real, name } = file;
  if (!st) {
    const handle = await open(real, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600).catch((e: unknown) =>
      code(e) === 'EEXIST' ? changedMeanwhile(name) : Promise.reject(e),
    );
    try {
      await handle.writeFile(bytes);
      await handle.chmod(0o600);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return syncFolder(dirname(real));
  }
  if (st.nlink > 1) {
    const handle = await open(real, O_WRONLY | O_NOFOLLOW | O_NONBLOCK);
    try {
      const now = await handle.stat();
      if (!now.isFile() || now.ino !== st.ino || now.dev !== st.dev) changedMeanwhile(name);
      await handle.writeFile(bytes); // a fresh handle writes from offset 0
      await handle.truncate(bytes.length);
      await handle.sync();
    } finally {
      await handle.close();
    }
    return;
  }
  const temp = join(dirname(real), `.${basename(real)}.keydeck-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600);
  try {
    try {
      await handle.writeFile(bytes);
      // Owner first: chown clears set-id bits. Only root can give a file away; others keep their own.
      await handle
        .chown(st.uid, st.gid)
        .catch((e: unknown) => (process.getuid?.() === 0 ? Promise.reject(e) : undefined));
      await handle.chmod(st.mode & 0o7777);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // Someone replaced the file since it was read: their version wins over a rename that would lose it.
    const now = await lstat(real).catch(() => undefined);
    if (!now || now.ino !== st.ino || now.dev !== st.dev) changedMeanwhile(name);
    await rename(temp, real);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dirname(real));
}

/**
 * Keeps the original bytes at `backupPath` (mode 0600), created exclusively and never through a link.
 * A regular file of ours already there is the original from an earlier write of the same rotation
 * (a second deploy, or a crash), so it is kept, not overwritten; anything else there is refused.
 */
async function keepBackup(
  backupPath: string,
  bytes: Buffer,
  name: string,
  existing: 'keep' | 'refuse' = 'keep',
): Promise<string> {
  if (!isAbsolute(backupPath) || backupPath.includes('\0'))
    fail('VALIDATION_FAILED', 'The backup of the .env file needs a full path.');
  const handle = await open(backupPath, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW, 0o600).catch((e: unknown) =>
    code(e) === 'EEXIST' ? undefined : Promise.reject(e),
  );
  if (handle) {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
      await handle.close();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(backupPath).catch(() => undefined);
      throw error;
    }
    return backupPath;
  }
  const st = await lstat(backupPath);
  const uid = process.getuid?.();
  // An existing backup is kept only where the caller knows it made it (a later write of the same
  // rotation); on a first write, a file already there was planted or left, and is refused.
  if (existing === 'keep' && st.isFile() && st.nlink === 1 && (uid === undefined || st.uid === uid)) return backupPath;
  const kind = st.isFile() ? 'a file Keydeck did not make' : what(st);
  return fail(
    'VALIDATION_FAILED',
    `${basename(backupPath)}, where Keydeck keeps the backup of ${name}, is ${kind}; nothing was written. Remove it and try again.`,
  );
}

// ---------------------------------------------------------------------------------------------
// What the rotation engine calls.

/** The current value of `variable` in a .env file, as dotenv would read it; a missing file (or a dangling link) says so. */
export async function readEnvVariable(path: string, variable: string): Promise<EnvRead> {
  checkVariable(variable);
  const file = await load(path);
  if (!file.st) return { kind: 'missing-file' };
  return readValue(file.bytes.toString('latin1'), variable);
}

/**
 * Writes the new key into a .env file (see `save` for how), after keeping the original as
 * `options.backupPath` when given. Returns what the variable held before.
 */
export async function writeEnvFile(
  path: string,
  variable: string,
  value: string,
  options: { backupPath?: string; existingBackup?: 'keep' | 'refuse' } = {},
): Promise<{ replaced: number; backup?: string; previous: EnvRead }> {
  checkVariable(variable);
  if (value === '') fail('VALIDATION_FAILED', 'The key to write is empty.');
  const file = await load(path);
  if (file.dangling)
    fail(
      'VALIDATION_FAILED',
      `${file.name} is a link to a file that does not exist; Keydeck does not create files through links. Create the file, or choose another target.`,
    );
  checkWritable(file);
  const text = file.bytes.toString('latin1');
  const previous: EnvRead = file.st ? readValue(text, variable) : { kind: 'missing-file' };
  // Computed (and the value checked) before anything is touched.
  const next = setEnvVariable(text, variable, value);
  if (options.backupPath === path || options.backupPath === file.real)
    fail('VALIDATION_FAILED', `The backup of ${file.name} cannot be the file itself.`);
  const backup =
    options.backupPath && file.st
      ? await keepBackup(options.backupPath, file.bytes, file.name, options.existingBackup)
      : undefined;
  if (!file.st || next.text !== text) await save(file, Buffer.from(next.text, 'latin1'));
  return { replaced: next.replaced, backup, previous };
}

/**
 * Cancel's undo: where the file still holds `expect` (the new key), puts back `restore` (the earlier
 * value, or no assignment at all: the lines Keydeck added are removed). Anything else there was put
 * by someone since, and is left alone; `reason` says why, in words that never contain a key.
 */
export async function restoreEnvVariable(
  path: string,
  variable: string,
  options: { expect: string; restore: EnvValue | { kind: 'original'; backup: string } },
): Promise<{ restored: boolean; reason?: string }> {
  checkVariable(variable);
  const file = await load(path);
  if (!file.st) return { restored: false, reason: `${file.name} no longer exists` };
  const text = file.bytes.toString('latin1');
  const now = readValue(text, variable);
  if (now.kind === 'absent') return { restored: false, reason: `${variable} is no longer in ${file.name}` };
  if (now.value !== options.expect)
    return { restored: false, reason: `${variable} in ${file.name} was changed since Keydeck wrote it` };
  checkWritable(file);
  const { restore } = options;
  // `original`: the assignment lines exactly as the backup holds them (byte for byte: quotes,
  // `${VAR}` references, several lines), one for each assignment Keydeck rewrote, in order.
  let originals: string[] | undefined;
  if (restore.kind === 'original') {
    const backup = await load(restore.backup);
    if (!backup.st) return { restored: false, reason: `its backup ${basename(restore.backup)} no longer exists` };
    originals = spans(backup.bytes.toString('latin1'), variable);
    const current = assignments(split(text).lines).filter((a) => a.name === variable).length;
    if (originals.length !== current)
      return {
        restored: false,
        reason: `${variable} appears ${current} time(s) in ${file.name} but ${originals.length} time(s) in its backup, so Keydeck cannot tell which line was which`,
      };
  }
  let index = -1;
  const next = rewrite(text, variable, (a) => {
    index++;
    if (valueOf(a) !== options.expect) return undefined;
    if (restore.kind === 'original') return originals?.[index] ?? null;
    return restore.kind === 'absent' ? null : a.head + render(restore.value, a.quote) + a.comment;
  });
  await save(file, Buffer.from(next.text, 'latin1'));
  return { restored: true };
}

/** Removes a backup once the rotation is done (the old key in it is dead): only a regular file, never through a link. Idempotent. */
export async function removeBackup(backupPath: string): Promise<void> {
  if (!isAbsolute(backupPath) || backupPath.includes('\0')) return;
  const st = await lstat(backupPath).catch(() => undefined);
  if (st?.isFile())
    await unlink(backupPath).catch((e: unknown) => (code(e) === 'ENOENT' ? undefined : Promise.reject(e)));
}

/** The older backup name, `<file>.keydeck.bak`, still removed by the engine. Idempotent. */
export async function removeEnvBackup(path: string): Promise<void> {
  if (!isAbsolute(path) || !isEnvFileName(path)) return;
  await removeBackup(`${path}.keydeck.bak`);
}
