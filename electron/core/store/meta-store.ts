import {
  chmodSync,
  copyFileSync,
  constants,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { KeydeckFailure } from '../../../shared/errors.js';
import { containsSecret } from '../log.js';
import { emptyDoc, MetaDoc, SCHEMA_VERSION } from './schema.js';

/**
 * The persistence under the metadata store: electron-store in the app, `conf` under Node. Both
 * expose the whole document as `store`, so this is all the core needs of them.
 */
export interface DocumentBackend {
  get store(): Record<string, unknown>;
  set store(value: Record<string, unknown>);
  /** Where the file lives, for the README and the secret-hygiene tests. */
  readonly path: string;
}

/**
 * A backend built on first use. conf and electron-store parse the file when they are constructed
 * and throw on a damaged one; building them lazily turns that into a STORE_ERROR on read (and so
 * recovery mode) instead of a crash at start. A failed build is retried on the next access.
 */
export function lazyBackend(path: string, make: () => DocumentBackend): DocumentBackend {
  let made: DocumentBackend | undefined;
  const get = () => (made ??= make());
  return {
    path,
    get store() {
      return get().store;
    },
    set store(value) {
      get().store = value;
    },
  };
}

/** What is wrong with the metadata file, when something is. */
export type StoreProblem =
  { kind: 'newer'; message: string } | { kind: 'unreadable'; message: string } | { kind: 'corrupt'; message: string };

/** A STORE_ERROR that says which kind of problem it is, so Keydeck can offer recovery for a damaged file only. */
export class StoreFailure extends KeydeckFailure {
  constructor(
    readonly problem: StoreProblem,
    cause?: unknown,
  ) {
    super({ code: 'STORE_ERROR', message: problem.message }, { cause });
  }
}

/** Older documents are brought to SCHEMA_VERSION one step at a time; each step is tested. */
export const migrations: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 → 2: rotation journals and remembered deploy targets.
  1: (doc) => ({ ...doc, schemaVersion: 2, rotations: [], deployPrefs: {} }),
  // 2 → 3: settings (reminders on, as for a new profile).
  2: (doc) => ({ ...doc, schemaVersion: 3, settings: { reminders: true } }),
  // 3 → 4: providers added from manifests (none yet).
  3: (doc) => ({ ...doc, schemaVersion: 4, providers: [] }),
};

/**
 * The schema-versioned metadata store. Reads are validated with zod; writes are checked to hold no
 * secret (defence in depth: a bug that tried to persist a key fails loudly instead of leaking it).
 */
export class MetaStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** The last document read or written, with the file identity it came from. */
  private cached: { stamp: string; doc: MetaDoc } | undefined;

  /** Whether this process already copied the file to `lastGoodPath`. */
  private backedUp = false;

  /** Set when this process may no longer write the profile (its profile lock was lost or released). */
  private refusal: string | undefined;

  constructor(private readonly backend: DocumentBackend) {}

  /**
   * From now on every write fails with STORE_ERROR and `message`; reads still work. Called when the
   * profile lock is lost (another process may be writing) or released: refusing is safe, merging is not.
   */
  refuseWrites(message: string): void {
    this.refusal ??= message;
  }

  private assertWritable(): void {
    if (this.refusal !== undefined) throw new KeydeckFailure({ code: 'STORE_ERROR', message: this.refusal });
  }

  /**
   * A copy of the file as it was the first time this process read it whole: recovery's second
   * source (organization names, URLs, journals) if the file is later damaged. No secret, mode 0600.
   */
  get lastGoodPath(): string {
    return join(dirname(this.backend.path), 'metadata.last-good.json');
  }

  private backUp(): void {
    this.backedUp = true;
    try {
      copyFileSync(this.backend.path, this.lastGoodPath);
      chmodSync(this.lastGoodPath, 0o600);
    } catch {
      // A missing copy only makes a later recovery rely on the keychain alone.
    }
  }

  /**
   * The file's identity: inode, mtime and size. Every write replaces the file (a new inode), so an
   * unchanged stamp means an unchanged document, even if another process wrote it in between.
   */
  private stamp(): string | undefined {
    try {
      const st = statSync(this.backend.path);
      return `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return undefined;
    }
  }

  get path(): string {
    return this.backend.path;
  }

  /**
   * The current document, validated. Parsed once per change of the file, not once per call; the
   * object is shared, so callers treat it as read-only (changes go through `update`).
   */
  read(): MetaDoc {
    const stamp = this.stamp();
    if (stamp && this.cached?.stamp === stamp) return this.cached.doc;
    const doc = this.parse();
    if (stamp) {
      this.cached = { stamp, doc };
      if (!this.backedUp) this.backUp();
    }
    return doc;
  }

  /** Whether the file can be used, and if not, why; never throws. */
  problem(): StoreProblem | undefined {
    try {
      this.read();
      return undefined;
    } catch (error) {
      if (error instanceof StoreFailure) return error.problem;
      return { kind: 'unreadable', message: error instanceof Error ? error.message : String(error) };
    }
  }

  private corrupt(what: string, cause?: unknown): never {
    throw new StoreFailure(
      {
        kind: 'corrupt',
        message: `Keydeck's metadata file is damaged (${what}): ${this.backend.path}. Keydeck changed nothing; open it to rebuild what can be recovered.`,
      },
      cause,
    );
  }

  private parse(): MetaDoc {
    let raw: Record<string, unknown>;
    try {
      raw = this.backend.store;
    } catch (cause) {
      if (cause instanceof SyntaxError)
        this.corrupt(
          existsSync(this.backend.path) && statSync(this.backend.path).size === 0
            ? 'it is empty'
            : 'it is not valid JSON, probably cut off',
          cause,
        );
      throw new StoreFailure(
        {
          kind: 'unreadable',
          message: `Keydeck's metadata file could not be read (${this.backend.path}). Check that it is yours and readable; nothing was changed.`,
        },
        cause,
      );
    }
    if (raw === undefined || Object.keys(raw).length === 0) {
      // conf reads `null`, `[]` or `"…"` as an empty store; only a missing file or `{}` is really empty.
      if (existsSync(this.backend.path) && statSync(this.backend.path).size > 2) {
        const text = readFileSync(this.backend.path, 'utf8').trim();
        if (text !== '{}') this.corrupt('it is not a Keydeck document');
      }
      return emptyDoc();
    }
    let version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
    if (version > SCHEMA_VERSION) {
      throw new StoreFailure({
        kind: 'newer',
        message: `Keydeck's metadata was written by a newer version (schema ${version}). Update Keydeck; nothing was changed.`,
      });
    }
    while (version < SCHEMA_VERSION) {
      const step = migrations[version];
      if (!step) break;
      raw = step(raw);
      version += 1;
    }
    const parsed = MetaDoc.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.corrupt(`it does not match Keydeck's format${issue ? ` at ${issue.path.join('.') || 'the top'}` : ''}`);
    }
    return parsed.data;
  }

  /**
   * Recovery: replaces a damaged file with a rebuilt document. The damaged file is first copied,
   * byte for byte, to `keptCopy` (never overwriting anything); the new document then replaces it
   * atomically (written beside it, then renamed over it).
   */
  replaceDamaged(doc: MetaDoc, keptCopy: string): Promise<void> {
    const run = async () => {
      this.assertWritable();
      const valid = MetaDoc.parse(doc);
      const text = JSON.stringify(valid, undefined, '\t');
      if (containsSecret(text))
        throw new KeydeckFailure({ code: 'INTERNAL', message: 'Refused to write a secret into the metadata store.' });
      const path = this.backend.path;
      const temp = `${path}.recovering`;
      try {
        if (existsSync(path)) copyFileSync(path, keptCopy, constants.COPYFILE_EXCL);
        writeFileSync(temp, text, { mode: 0o600 });
        renameSync(temp, path);
      } catch (cause) {
        rmSync(temp, { force: true });
        throw new KeydeckFailure(
          {
            code: 'STORE_ERROR',
            message: `The rebuilt metadata could not be written (${path}); the damaged file is unchanged.`,
          },
          { cause },
        );
      }
      this.cached = undefined;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Applies `change` to a copy of the document and writes it, one change at a time, so two calls
   * never lose each other's update.
   */
  update<T>(change: (doc: MetaDoc) => T): Promise<T> {
    const run = async () => {
      this.assertWritable();
      const doc = structuredClone(this.read());
      const result = change(doc);
      const valid = MetaDoc.parse(doc);
      if (containsSecret(JSON.stringify(valid))) {
        throw new KeydeckFailure({ code: 'INTERNAL', message: 'Refused to write a secret into the metadata store.' });
      }
      try {
        this.backend.store = valid as unknown as Record<string, unknown>;
        const stamp = this.stamp();
        this.cached = stamp ? { stamp, doc: valid } : undefined;
      } catch (cause) {
        throw new KeydeckFailure(
          { code: 'STORE_ERROR', message: `Keydeck's metadata file could not be written (${this.backend.path}).` },
          { cause },
        );
      }
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
