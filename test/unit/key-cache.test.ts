/**
 * The key cache on real files: one small file per organization-environment, written per burst,
 * atomically, never through a link; read lazily; a damaged file is a missing one.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  KEY_CACHE_DIR,
  KeyCache,
  listFileName,
  writeAtomic,
  type CachedList,
} from '../../electron/core/store/key-cache.js';

const posix = process.platform !== 'win32';

function profile(): { profileDir: string; dir: string } {
  const profileDir = mkdtempSync(join(tmpdir(), 'kd-cache-'));
  return { profileDir, dir: join(profileDir, KEY_CACHE_DIR) };
}

function list(environment: 'live' | 'test', n = 3, name = 'Key'): CachedList {
  return {
    fetchedAt: new Date().toISOString(),
    source: 'provider',
    environment,
    keys: Array.from({ length: n }, (_, i) => ({
      id: `key_${i}`,
      name: `${name} ${i}`,
      masked: `lgh_${environment}_••••${1000 + i}`,
      environment,
      status: 'active' as const,
      isAdmin: i === 0,
    })),
  };
}

const ORG = (i: number) => `org_${String(i).padStart(8, '0')}`;
const fileOf = (dir: string, orgId: string, env: 'live' | 'test') => join(dir, listFileName(orgId, env)!);

describe('the key cache, a file per organization-environment', () => {
  it('writes each list atomically: mode 0600 in a 0700 folder, no temporary file left, the file whole at every moment', async () => {
    const { dir } = profile();
    const cache = new KeyCache({ dir });
    cache.set(ORG(1), 'live', list('live'));
    await cache.flush();
    const path = fileOf(dir, ORG(1), 'live');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      version: 1,
      orgId: ORG(1),
      environment: 'live',
      list: { keys: [{ id: 'key_0' }, {}, {}] },
    });
    if (posix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // A large list replaces a small one: a reader looking while it is written sees the old file or the new, never a part.
    cache.set(ORG(1), 'live', list('live', 20_000, 'A rather long key name to make the file large'));
    const seen = new Set<number>();
    let done = false;
    const writing = cache.flush().then(() => (done = true));
    while (!done) {
      seen.add((JSON.parse(readFileSync(path, 'utf8')) as { list: CachedList }).list.keys.length);
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    seen.add((JSON.parse(readFileSync(path, 'utf8')) as { list: CachedList }).list.keys.length);
    expect([...seen].every((n) => n === 3 || n === 20_000)).toBe(true);
    expect(seen.has(20_000)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves no temporary file when a write fails, and the next write goes through', async () => {
    const { dir } = profile();
    mkdirSync(dir, { recursive: true });
    // A folder where the file should go: the rename fails.
    mkdirSync(fileOf(dir, ORG(1), 'live'));
    await expect(writeAtomic(dir, listFileName(ORG(1), 'live')!, '{}')).rejects.toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const cache = new KeyCache({ dir });
    cache.set(ORG(1), 'live', list('live'));
    cache.set(ORG(2), 'live', list('live'));
    await cache.flush();
    expect(cache.stats.written).toBe(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes once per changed list per burst, and leaves unchanged lists alone', async () => {
    const { dir } = profile();
    const cache = new KeyCache({ dir, writeDelayMs: 20 });
    for (let i = 0; i < 30; i++) cache.set(ORG(i), i % 2 ? 'test' : 'live', list(i % 2 ? 'test' : 'live'));
    await cache.flush();
    expect(cache.stats.written).toBe(30);
    const inodes = new Map(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).ino]));

    // One burst: 200 sets of 10 lists, then the quota of each, gathered on the timer.
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) {
        cache.set(ORG(i), i % 2 ? 'test' : 'live', list(i % 2 ? 'test' : 'live', 3, `Round ${round}`));
        cache.setQuota(ORG(i), i % 2 ? 'test' : 'live', { day: '2026-01-01', calls: round, refused: 0 });
      }
    }
    await expect.poll(() => cache.stats.written, { timeout: 5_000 }).toBe(30 + 10 + 1);
    await cache.flush();
    expect(cache.stats.written).toBe(41);
    for (let i = 0; i < 30; i++) {
      const name = listFileName(ORG(i), i % 2 ? 'test' : 'live')!;
      // A new file (rename) for each changed list, the same file for the others.
      if (i < 10) expect(statSync(join(dir, name)).ino, name).not.toBe(inodes.get(name));
      else expect(statSync(join(dir, name)).ino, name).toBe(inodes.get(name));
    }
    const again = new KeyCache({ dir });
    expect(again.get(ORG(3), 'test')?.keys[0]?.name).toBe('Round 19 0');
    expect(again.quota(ORG(3), 'test')?.calls).toBe(19);
  });

  it('reads one list file on the first get; a damaged or misplaced file is absent, never an error', async () => {
    const { dir } = profile();
    const first = new KeyCache({ dir });
    for (let i = 0; i < 5; i++) for (const env of ['live', 'test'] as const) first.set(ORG(i), env, list(env));
    first.setQuota(ORG(0), 'live', { day: '2026-01-01', calls: 3, refused: 0 });
    await first.flush();
    writeFileSync(fileOf(dir, ORG(2), 'live'), '{"version":1,"orgId":"org_0000');
    writeFileSync(
      fileOf(dir, ORG(2), 'test'),
      '{"version":1,"orgId":"org_00000002","environment":"test","list":{"keys":"no"}}',
    );
    // Another organization's file under this one's name is not this one's list.
    writeFileSync(fileOf(dir, ORG(3), 'live'), readFileSync(fileOf(dir, ORG(4), 'live')));

    const cache = new KeyCache({ dir });
    expect(cache.get(ORG(0), 'live')?.keys).toHaveLength(3);
    expect(cache.stats.read).toBe(1);
    // The same object until the next set, without reading again.
    expect(cache.get(ORG(0), 'live')).toBe(cache.get(ORG(0), 'live'));
    expect(cache.stats.read).toBe(1);
    expect(cache.get(ORG(2), 'live')).toBeUndefined();
    expect(cache.get(ORG(2), 'test')).toBeUndefined();
    expect(cache.get(ORG(3), 'live')).toBeUndefined();
    expect(cache.get(ORG(9), 'live')).toBeUndefined();
    expect(cache.get(ORG(0), 'staging')).toBeUndefined();
    expect(cache.stats.read).toBe(5);
    expect(Object.keys(cache.all()).sort()).toEqual([
      `${ORG(0)}:live`,
      `${ORG(0)}:test`,
      `${ORG(1)}:live`,
      `${ORG(1)}:test`,
      `${ORG(3)}:test`,
      `${ORG(4)}:live`,
      `${ORG(4)}:test`,
    ]);
    expect(cache.quota(ORG(0), 'live')?.calls).toBe(3);

    writeFileSync(join(dir, 'quota.json'), 'not json');
    writeFileSync(join(dir, 'reminded.json'), '{"version":1,"reminded":{"a":5}}');
    const fresh = new KeyCache({ dir });
    expect(fresh.quota(ORG(0), 'live')).toBeUndefined();
    expect(fresh.reminded()).toEqual({});
  });

  it('refuses a list holding anything key-shaped: not kept, not written', async () => {
    const { dir } = profile();
    const cache = new KeyCache({ dir });
    const leaky = list('live');
    leaky.keys[1]!.name = 'lgh_live_abcdefghijklmnopqrstuvwx1234';
    cache.set(ORG(1), 'live', leaky);
    await cache.flush();
    expect(cache.get(ORG(1), 'live')).toBeUndefined();
    expect(existsSync(fileOf(dir, ORG(1), 'live'))).toBe(false);
    for (const f of existsSync(dir) ? readdirSync(dir) : [])
      expect(readFileSync(join(dir, f), 'utf8')).not.toContain('abcdefghijklmnop');
  });

  it('names files safely whatever the organization id: nothing outside the folder, and read back under the same id', async () => {
    const { profileDir, dir } = profile();
    const odd = ['../../escape', '..', 'a/b', 'C:\\x', 'x'.repeat(150), 'héllo', ''];
    const cache = new KeyCache({ dir });
    for (const id of odd) cache.set(id, 'live', list('live'));
    await cache.flush();
    expect(readdirSync(profileDir).sort()).toEqual([KEY_CACHE_DIR]);
    for (const f of readdirSync(dir)) expect(f).toMatch(/^(~[0-9a-f]{40}|[A-Za-z0-9_-]{1,64})\.live\.json$/);
    const again = new KeyCache({ dir });
    for (const id of odd) expect(again.get(id, 'live')?.keys, id).toHaveLength(3);
    expect(Object.keys(new KeyCache({ dir }).all()).sort()).toEqual(odd.map((id) => `${id}:live`).sort());
  });

  it('forgets an organization: its files, quota and reminders, even when never read', async () => {
    const { dir } = profile();
    const first = new KeyCache({ dir });
    for (const env of ['live', 'test'] as const) {
      first.set(ORG(1), env, list(env));
      first.set(ORG(2), env, list(env));
      first.setQuota(ORG(1), env, { day: '2026-01-01', calls: 1, refused: 0 });
    }
    Object.assign(first.reminded(), { [`${ORG(1)}:live:key_1`]: '2026-01-01', [`${ORG(2)}:live:key_1`]: '2026-01-01' });
    first.touch();
    await first.flush();
    const cache = new KeyCache({ dir });
    cache.forgetOrg(ORG(1));
    await cache.flush();
    expect(existsSync(fileOf(dir, ORG(1), 'live'))).toBe(false);
    expect(existsSync(fileOf(dir, ORG(1), 'test'))).toBe(false);
    const again = new KeyCache({ dir });
    expect(again.get(ORG(2), 'test')).toBeDefined();
    expect(again.quota(ORG(1), 'live')).toBeUndefined();
    expect(again.reminded()).toEqual({ [`${ORG(2)}:live:key_1`]: '2026-01-01' });
  });

  it('Remove all data: clear() deletes the folder and the old cache.json, and forgets everything in memory', async () => {
    const { profileDir, dir } = profile();
    writeFileSync(join(profileDir, 'cache.json'), '{"version":1,"lists":{}}');
    const cache = KeyCache.inProfile(profileDir);
    cache.set(ORG(1), 'live', list('live'));
    await cache.flush();
    // The first write replaced the old single-file cache.
    expect(existsSync(join(profileDir, 'cache.json'))).toBe(false);
    writeFileSync(join(profileDir, 'cache.json'), '{}');
    cache.set(ORG(2), 'live', list('live'));
    const result = await cache.clear();
    expect(existsSync(dir)).toBe(false);
    expect(existsSync(join(profileDir, 'cache.json'))).toBe(false);
    expect(result.removed).toEqual(
      expect.arrayContaining([join(profileDir, 'cache.json'), fileOf(dir, ORG(1), 'live'), dir]),
    );
    expect(result.problems).toEqual([]);
    expect(cache.get(ORG(1), 'live')).toBeUndefined();
    expect(cache.all()).toEqual({});
    // The pending set was forgotten, not written after the removal.
    await cache.flush();
    expect(existsSync(fileOf(dir, ORG(2), 'live'))).toBe(false);
    // Later lists make the folder again.
    cache.set(ORG(3), 'live', list('live'));
    await cache.flush();
    expect(new KeyCache({ dir }).get(ORG(3), 'live')).toBeDefined();
  });

  it.skipIf(!posix)(
    'never writes or reads through a link: a link at a file name is replaced, a linked folder refused',
    async () => {
      const { profileDir, dir } = profile();
      const outside = mkdtempSync(join(tmpdir(), 'kd-outside-'));
      const target = join(outside, 'precious.txt');
      writeFileSync(target, "the user's own file");
      mkdirSync(dir, { mode: 0o700 });
      const path = fileOf(dir, ORG(1), 'live');
      symlinkSync(target, path);
      // Reading: the link is not followed (the target is not a cache file anyway).
      const cache = new KeyCache({ dir });
      expect(cache.get(ORG(1), 'live')).toBeUndefined();
      cache.set(ORG(1), 'live', list('live'));
      await cache.flush();
      expect(readFileSync(target, 'utf8')).toBe("the user's own file");
      expect(lstatSync(path).isSymbolicLink()).toBe(false);
      expect(statSync(path).mode & 0o777).toBe(0o600);

      // A valid list behind a link is still not read through it.
      const real = join(outside, 'list.json');
      writeFileSync(real, readFileSync(path));
      const linked = fileOf(dir, ORG(5), 'live');
      writeFileSync(join(outside, 'x'), '');
      symlinkSync(real, linked);
      expect(new KeyCache({ dir }).get(ORG(5), 'live')).toBeUndefined();

      // The folder itself a link: nothing is written there.
      const other = profile();
      const elsewhere = mkdtempSync(join(tmpdir(), 'kd-elsewhere-'));
      symlinkSync(elsewhere, other.dir);
      const refused = new KeyCache({ dir: other.dir });
      refused.set(ORG(1), 'live', list('live'));
      await refused.flush();
      expect(readdirSync(elsewhere)).toEqual([]);
      expect(refused.stats.written).toBe(0);
      // Removal removes the link, never what it points to.
      const removedDir = await refused.clear();
      expect(removedDir.problems).toEqual([]);
      expect(existsSync(other.dir)).toBe(false);
      expect(existsSync(elsewhere)).toBe(true);
      expect(readdirSync(profileDir)).toEqual([KEY_CACHE_DIR]);
    },
  );

  it('removes temporary files a crash left, makes an open folder private, and writes nothing once refused', async () => {
    const { dir } = profile();
    mkdirSync(dir, { mode: 0o755 });
    const stale = join(dir, `.${listFileName(ORG(1), 'live')}.0123456789abcdef.tmp`);
    writeFileSync(stale, '{"half');
    const cache = new KeyCache({ dir });
    cache.set(ORG(1), 'live', list('live'));
    await cache.flush();
    expect(existsSync(stale)).toBe(false);
    if (posix) expect(statSync(dir).mode & 0o777).toBe(0o700);

    cache.refuseWrites('the profile lock was lost');
    cache.set(ORG(2), 'live', list('live'));
    await cache.flush();
    expect(existsSync(fileOf(dir, ORG(2), 'live'))).toBe(false);
    // Still served from memory.
    expect(cache.get(ORG(2), 'live')).toBeDefined();
  });

  it('without a folder (unit tests) it is memory only', async () => {
    const cache = new KeyCache();
    cache.set(ORG(1), 'live', list('live'));
    await cache.flush();
    expect(cache.get(ORG(1), 'live')?.keys).toHaveLength(3);
    expect(Object.keys(cache.all())).toEqual([`${ORG(1)}:live`]);
    expect(await cache.clear()).toEqual({ removed: [], problems: [] });
  });
});
