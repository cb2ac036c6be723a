import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeydeckFailure } from '../../shared/errors.js';
import { confBackend } from '../../electron/core/store/conf-backend.js';
import { MetaStore } from '../../electron/core/store/meta-store.js';

const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'keydeck-meta-'));
  const backend = confBackend(dir);
  return { dir, backend, store: new MetaStore(backend) };
};
const org = (i: number) => ({
  id: `org_abcdefgh${String(i).padStart(4, '0')}`,
  provider: 'laghav' as const,
  name: `Org ${i}`,
  createdAt: '2026-11-23T00:00:00Z',
});

describe('MetaStore over conf', () => {
  it('starts empty at the current schema version and writes a 0600 file', async () => {
    const { store, backend } = fresh();
    expect(store.read()).toEqual({
      schemaVersion: 4,
      organizations: [],
      credentials: [],
      activity: [],
      rotations: [],
      deployPrefs: {},
      settings: { reminders: true },
      providers: [],
    });
    await store.update((d) => void d.organizations.push(org(1)));
    expect(statSync(backend.path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(backend.path, 'utf8'))).toMatchObject({
      schemaVersion: 4,
      organizations: [{ name: 'Org 1' }],
    });
  });

  it('loses no update under 50 concurrent writers', async () => {
    const { store } = fresh();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.update((d) => void d.organizations.push(org(i)))));
    expect(store.read().organizations).toHaveLength(50);
  });

  it('refuses to persist anything shaped like a key', async () => {
    const { store, backend } = fresh();
    const f = await store
      .update((d) => void d.organizations.push({ ...org(1), name: 'lgh_live_AbCdEfGhIjKlMnOp' }))
      .catch((e: unknown) => e);
    expect(f).toBeInstanceOf(KeydeckFailure);
    expect((f as KeydeckFailure).error.code).toBe('INTERNAL');
    expect(existsSync(backend.path) ? readFileSync(backend.path, 'utf8') : '').not.toContain(
      'lgh_live_AbCdEfGhIjKlMnOp',
    );
    expect(store.read().organizations).toEqual([]);
  });

  it('refuses a document from a newer Keydeck and leaves it untouched', async () => {
    const { store, backend } = fresh();
    await store.update(() => undefined);
    const newer = JSON.stringify({ schemaVersion: 99, organizations: [], credentials: [], activity: [], future: true });
    writeFileSync(backend.path, newer);
    expect(() => store.read()).toThrow(/newer version/);
    await expect(store.update(() => undefined)).rejects.toThrow(/newer version/);
    expect(readFileSync(backend.path, 'utf8')).toBe(newer);
  });

  it('reports a corrupt file as STORE_ERROR instead of starting over', async () => {
    const { store, backend } = fresh();
    await store.update((d) => void d.organizations.push(org(1)));
    writeFileSync(backend.path, '{"schemaVersion":1,"organiz');
    const f = (() => {
      try {
        store.read();
      } catch (e) {
        return e as KeydeckFailure;
      }
      return undefined;
    })();
    expect(f?.error.code).toBe('STORE_ERROR');
    expect(readFileSync(backend.path, 'utf8')).toBe('{"schemaVersion":1,"organiz');
  });
});

describe('migrations', () => {
  it('brings a version 1 document to the current schema, keeping everything in it', async () => {
    const { store, backend } = fresh();
    const v1 = {
      schemaVersion: 1,
      organizations: [org(1)],
      credentials: [],
      activity: [{ at: '2026-11-01T00:00:00Z', action: 'org.connect', orgId: org(1).id }],
    };
    writeFileSync(backend.path, JSON.stringify(v1));
    expect(store.read()).toEqual({
      ...v1,
      schemaVersion: 4,
      rotations: [],
      deployPrefs: {},
      settings: { reminders: true },
      providers: [],
    });
    await store.update(() => undefined);
    expect(JSON.parse(readFileSync(backend.path, 'utf8')).schemaVersion).toBe(4);
  });

  it('brings a version 2 document to version 4 with reminders on, rotations and deploy targets kept', async () => {
    const { store, backend } = fresh();
    const v2 = {
      schemaVersion: 2,
      organizations: [org(1)],
      credentials: [],
      activity: [],
      rotations: [],
      deployPrefs: { c1: [{ kind: 'clipboard' }] },
    };
    writeFileSync(backend.path, JSON.stringify(v2));
    expect(store.read()).toEqual({ ...v2, schemaVersion: 4, settings: { reminders: true }, providers: [] });
  });

  it('brings a version 3 document to version 4 with no added providers, everything else kept', async () => {
    const { store, backend } = fresh();
    const v3 = {
      schemaVersion: 3,
      organizations: [org(1)],
      credentials: [],
      activity: [],
      rotations: [],
      deployPrefs: {},
      settings: { reminders: false },
    };
    writeFileSync(backend.path, JSON.stringify(v3));
    expect(store.read()).toEqual({ ...v3, schemaVersion: 4, providers: [] });
  });
});
