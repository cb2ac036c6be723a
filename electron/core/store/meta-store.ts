import { statSync } from 'node:fs';
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

/** Older documents are brought to SCHEMA_VERSION one step at a time; each step is tested. */
export const migrations: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  // 1 → 2: rotation journals and remembered deploy targets.
  1: (doc) => ({ ...doc, schemaVersion: 2, rotations: [], deployPrefs: {} }),
  // 2 → 3: settings (reminders on, as for a new profile).
  2: (doc) => ({ ...doc, schemaVersion: 3, settings: { reminders: true } }),
};

/**
 * The schema-versioned metadata store. Reads are validated with zod; writes are checked to hold no
 * secret (defence in depth: a bug that tried to persist a key fails loudly instead of leaking it).
 */
export class MetaStore {
  private queue: Promise<unknown> = Promise.resolve();
  /** The last document read or written, with the file identity it came from. */
  private cached: { stamp: string; doc: MetaDoc } | undefined;

  constructor(private readonly backend: DocumentBackend) {}

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
    if (stamp) this.cached = { stamp, doc };
    return doc;
  }

  private parse(): MetaDoc {
    let raw: Record<string, unknown>;
    try {
      raw = this.backend.store;
    } catch (cause) {
      throw new KeydeckFailure({ code: 'STORE_ERROR', message: `Keydeck's metadata file could not be read (${this.backend.path}).` }, { cause });
    }
    if (raw === undefined || Object.keys(raw).length === 0) return emptyDoc();
    let version = typeof raw.schemaVersion === 'number' ? raw.schemaVersion : 0;
    if (version > SCHEMA_VERSION) {
      throw new KeydeckFailure({
        code: 'STORE_ERROR',
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
      throw new KeydeckFailure({
        code: 'STORE_ERROR',
        message: `Keydeck's metadata file does not match its schema (${this.backend.path}). It was left untouched.`,
      });
    }
    return parsed.data;
  }

  /**
   * Applies `change` to a copy of the document and writes it, one change at a time, so two calls
   * never lose each other's update.
   */
  update<T>(change: (doc: MetaDoc) => T): Promise<T> {
    const run = async () => {
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
        throw new KeydeckFailure({ code: 'STORE_ERROR', message: `Keydeck's metadata file could not be written (${this.backend.path}).` }, { cause });
      }
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
