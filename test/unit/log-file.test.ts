import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dayFiles,
  filesToPrune,
  logDay,
  rotatingFileLogger,
  rotatingFileSink,
  type LogFs,
} from '../../electron/core/log-file.js';
import { fileLogger } from '../../electron/node-workspace.js';

const KEY = 'lgh_live_S3cr3tS3cr3tS3cr3tS3cr3tAbCd';
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'keydeck-logs-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A clock the test moves by hand. */
function clock(iso: string) {
  let time = new Date(iso);
  return { now: () => time, set: (next: string) => void (time = new Date(next)) };
}

describe('day files', () => {
  it('names the day in UTC, like the lines’ timestamps', () => {
    expect(logDay(new Date('2025-03-09T23:59:59.999Z'))).toBe('2025-03-09');
    expect(logDay(new Date('2025-03-10T00:00:00.000Z'))).toBe('2025-03-10');
  });

  it('finds only its own day files, oldest first, and prunes to the newest N', () => {
    const names = [
      'keydeck-2025-01-03.log',
      'other.txt',
      'keydeck-2025-01-01.log',
      'keydeck.log',
      'keydeck-2025-01-02.log',
      'keydeck-2025-1-4.log',
      'xkeydeck-2025-01-05.log',
    ];
    expect(dayFiles(names)).toEqual(['keydeck-2025-01-01.log', 'keydeck-2025-01-02.log', 'keydeck-2025-01-03.log']);
    expect(filesToPrune(names, 2)).toEqual(['keydeck-2025-01-01.log']);
    expect(filesToPrune(names, 14)).toEqual([]);
  });
});

describe('rotatingFileSink', () => {
  it('writes a file a day, in order, and starts the next file at the UTC day boundary', async () => {
    const dir = join(tempDir(), 'logs');
    const time = clock('2025-03-09T23:59:59.000Z');
    const sink = rotatingFileSink({ dir, now: time.now });
    sink.write('one');
    sink.write('two');
    time.set('2025-03-10T00:00:00.000Z');
    sink.write('three');
    await sink.flush();
    expect(readdirSync(dir).sort()).toEqual(['keydeck-2025-03-09.log', 'keydeck-2025-03-10.log']);
    expect(readFileSync(join(dir, 'keydeck-2025-03-09.log'), 'utf8')).toBe('one\ntwo\n');
    expect(readFileSync(join(dir, 'keydeck-2025-03-10.log'), 'utf8')).toBe('three\n');
    expect(sink.currentFile()).toBe(join(dir, 'keydeck-2025-03-10.log'));
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'keydeck-2025-03-10.log')).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
  });

  it('keeps the newest 14 day files when a new day starts, and leaves other files alone', async () => {
    const dir = tempDir();
    for (let d = 1; d <= 20; d++)
      writeFileSync(join(dir, `keydeck-2025-01-${String(d).padStart(2, '0')}.log`), 'old\n');
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const time = clock('2025-01-21T10:00:00Z');
    const sink = rotatingFileSink({ dir, now: time.now });
    sink.write('today');
    await sink.flush();
    const left = dayFiles(readdirSync(dir));
    expect(left).toHaveLength(14);
    expect(left[0]).toBe('keydeck-2025-01-08.log');
    expect(left.at(-1)).toBe('keydeck-2025-01-21.log');
    expect(readdirSync(dir)).toContain('notes.txt');

    // The next day prunes again: still 14.
    time.set('2025-01-22T00:00:01Z');
    sink.write('tomorrow');
    await sink.flush();
    expect(dayFiles(readdirSync(dir))).toHaveLength(14);
    expect(dayFiles(readdirSync(dir))[0]).toBe('keydeck-2025-01-09.log');
  });

  it('a failing disk never throws: the line is dropped, counted, and the next write tries again', async () => {
    let broken = true;
    const written: string[] = [];
    const fs: LogFs = {
      mkdir: async () => undefined,
      readdir: async () => [],
      unlink: async () => undefined,
      appendFile: async (_file, text) => {
        if (broken) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
        written.push(text);
      },
    };
    const sink = rotatingFileSink({ dir: '/nowhere', fs, now: () => new Date('2025-01-01T00:00:00Z') });
    expect(() => sink.write('lost')).not.toThrow();
    await expect(sink.flush()).resolves.toBeUndefined();
    expect(sink.failures).toBe(1);
    broken = false;
    sink.write('kept');
    await sink.flush();
    expect(written).toEqual(['kept\n']);
  });

  it('a folder that cannot be created (a file in its place) never throws', async () => {
    const parent = tempDir();
    writeFileSync(join(parent, 'logs'), 'not a folder');
    const logger = rotatingFileLogger({ dir: join(parent, 'logs') });
    expect(() => logger.log('info', 'x')).not.toThrow();
    await logger.flush();
    expect(logger.sink.failures).toBe(1);
  });

  it('drops lines beyond maxPending and says how many in the next line written', async () => {
    const written: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fs: LogFs = {
      mkdir: () => gate,
      readdir: async () => [],
      unlink: async () => undefined,
      appendFile: async (_f, text) => void written.push(text),
    };
    const sink = rotatingFileSink({ dir: '/d', fs, maxPending: 2, now: () => new Date('2025-01-01T00:00:00Z') });
    for (const line of ['a', 'b', 'c', 'd']) sink.write(line);
    release();
    await sink.flush();
    sink.write('e');
    await sink.flush();
    expect(written.join('')).toBe('a\nb\n2025-01-01T00:00:00.000Z WARN log.dropped lines=2\ne\n');
  });

  it('every line is redacted, whether it came through the logger or straight to the sink', async () => {
    const dir = tempDir();
    const logger = rotatingFileLogger({ dir });
    logger.log('error', 'call.failed', { error: new Error(`refused ${KEY}`), auth: `Bearer ${KEY}` });
    logger.sink.write(`raw ${KEY}`);
    await logger.flush();
    const text = readFileSync(logger.sink.currentFile(), 'utf8');
    expect(text).not.toContain(KEY.slice(9, 30));
    expect(text).toContain('lgh_live_••••AbCd');
    expect(text).toContain('Bearer ••••');
    expect(text.trim().split('\n')).toHaveLength(2);
  });
});

describe('fileLogger (preview host, tests): the same rotating sink under <profile>/logs', () => {
  it('writes keydeck-<day>.log asynchronously, redacted', async () => {
    const profile = tempDir();
    const logger = fileLogger(profile);
    logger.log('info', 'started', { key: KEY });
    await logger.flush();
    const [file] = readdirSync(join(profile, 'logs'));
    expect(file).toBe(`keydeck-${logDay(new Date())}.log`);
    expect(readFileSync(join(profile, 'logs', file!), 'utf8')).toContain('started key=lgh_live_••••AbCd');
  });
});
