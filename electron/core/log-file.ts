import { appendFile, mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, redact, type Logger, type LogLevel } from './log.js';

/** What the rotating log needs; `now` and `fs` are injected by the tests. */
export interface RotatingLogOptions {
  /** The folder the day files go in: Electron's `app.getPath('logs')`, or `<profile>/logs` for the preview host. */
  dir: string;
  /** File name before the day: `keydeck` gives `keydeck-2025-01-31.log`. */
  name?: string;
  /** How many day files to keep, newest first (GitHub Desktop keeps 14). */
  keep?: number;
  /** Lines waiting for the disk beyond this are dropped (counted in the next line that is written). */
  maxPending?: number;
  now?: () => Date;
  fs?: LogFs;
}

/** The three file operations the sink uses, so a test can make the disk fail. */
export interface LogFs {
  mkdir(dir: string): Promise<unknown>;
  appendFile(file: string, text: string): Promise<unknown>;
  readdir(dir: string): Promise<string[]>;
  unlink(file: string): Promise<unknown>;
}

const nodeFs: LogFs = {
  mkdir: (dir) => mkdir(dir, { recursive: true, mode: 0o700 }),
  appendFile: (file, text) => appendFile(file, text, { mode: 0o600 }),
  readdir: (dir) => readdir(dir),
  unlink: (file) => unlink(file),
};

/** A line sink that writes a file a day, asynchronously, and never throws. */
export interface RotatingSink {
  /** Queues one line (redacted again here, so no caller can write a key by skipping createLogger). */
  write(line: string): void;
  /** Resolves when every line queued so far has been written (or failed to be). */
  flush(): Promise<void>;
  /** The file a line written now goes to. */
  currentFile(): string;
  /** Errors seen so far (a full disk, a removed folder): counted, never thrown. */
  readonly failures: number;
}

/** `YYYY-MM-DD` of a time, in UTC like the lines' own timestamps, so a line and its file agree on the day. */
export function logDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The day files of `name` in a listing, oldest first (ISO days sort as text). */
export function dayFiles(names: readonly string[], name = 'keydeck'): string[] {
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d{4}-\\d{2}-\\d{2}\\.log$`);
  return names.filter((n) => pattern.test(n)).sort();
}

/** The day files to delete so that only the newest `keep` remain. */
export function filesToPrune(names: readonly string[], keep: number, name = 'keydeck'): string[] {
  const files = dayFiles(names, name);
  return files.slice(0, Math.max(0, files.length - keep));
}

/**
 * A rotating file sink in the manner of GitHub Desktop's `desktop-file-transport.ts`: one file a day
 * (`keydeck-YYYY-MM-DD.log`, mode 0600), the newest 14 kept, written in order by one chain of async
 * appends so logging never blocks the main process. A write that fails (a full disk, a deleted
 * folder) is counted and dropped: a log must never fail what it describes.
 */
export function rotatingFileSink(options: RotatingLogOptions): RotatingSink {
  const { dir, name = 'keydeck', keep = 14, maxPending = 10_000, now = () => new Date(), fs = nodeFs } = options;
  let chain: Promise<void> = Promise.resolve();
  let pending = 0;
  let dropped = 0;
  let failures = 0;
  /** The day whose file was last opened; a new day creates the folder again and prunes. */
  let openDay: string | undefined;
  const fileOf = (day: string) => join(dir, `${name}-${day}.log`);

  async function startDay(day: string): Promise<void> {
    openDay = day;
    await fs.mkdir(dir);
    const stale = filesToPrune([...(await fs.readdir(dir)), `${name}-${day}.log`], keep, name);
    await Promise.all(stale.map((file) => fs.unlink(join(dir, file)).catch(() => undefined)));
  }

  async function append(day: string, text: string): Promise<void> {
    try {
      if (day !== openDay) await startDay(day);
      await fs.appendFile(fileOf(day), text);
    } catch {
      failures++;
      // Try the folder (and pruning) again with the next line: it may have been removed under us.
      openDay = undefined;
    }
  }

  return {
    write(line) {
      if (pending >= maxPending) {
        dropped++;
        return;
      }
      pending++;
      const day = logDay(now());
      let text = `${redact(line)}\n`;
      if (dropped > 0) {
        text = `${now().toISOString()} WARN log.dropped lines=${dropped}\n${text}`;
        dropped = 0;
      }
      chain = chain.then(() => append(day, text)).finally(() => void pending--);
    },
    flush: () => chain,
    currentFile: () => fileOf(logDay(now())),
    get failures() {
      return failures;
    },
  };
}

/** A redacting logger over a rotating sink, with `flush` for a clean quit. */
export function rotatingFileLogger(
  options: RotatingLogOptions,
  minLevel?: LogLevel,
): Logger & { flush(): Promise<void>; sink: RotatingSink } {
  const sink = rotatingFileSink(options);
  const logger = createLogger((line) => sink.write(line), minLevel);
  return { log: logger.log, flush: sink.flush, sink };
}
