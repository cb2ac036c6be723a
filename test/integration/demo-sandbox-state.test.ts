import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxState } from '../sandbox/server.js';

/**
 * The sandbox state `npm run demo -- --keep` saves: organizations and keys under their HMAC only,
 * restored on the same ports so every key the sandbox issued still works, and saved (through
 * onChange) before the answer about a change leaves the server.
 */
const open: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function start(options: Parameters<typeof startSandbox>[0] = {}) {
  const s = await startSandbox(options);
  open.push(s);
  return s;
}

const portOf = (s: Sandbox) =>
  Object.fromEntries(Object.entries(s.servers).map(([p, x]) => [p, Number(new URL(x.origin).port)]));

describe('sandbox state for the kept demo', () => {
  it('round-trips organizations, keys, statuses and dates without a secret, on the same ports', async () => {
    let saved: SandboxState | undefined;
    let changes = 0;
    const holder: { sandbox?: Sandbox } = {};
    const first = await start({
      onChange: () => {
        changes++;
        if (holder.sandbox) saved = holder.sandbox.exportState();
      },
    });
    holder.sandbox = first;
    const acme = first.laghav.seedOrg('Acme', [{ name: 'Web', environment: 'live' }]);
    const sk = first.skapi.seedOrg('Initech');
    const legba = first.legba.seedOrg('Robotics');
    expect(changes).toBeGreaterThan(5);

    // A create through the API: the state saved in onChange already holds the key when the answer arrives.
    const res = await fetch(`${first.urls.laghav}/api/keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.admin.live}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Made by API' }),
    });
    const made = (await res.json()) as { id: string; key: string };
    expect(saved?.providers.laghav?.keys.keys.some((k) => k.key.id === made.id)).toBe(true);
    const revoked = first.skapi.mint(sk.org.id, 'Old', 'live');
    first.skapi.revoke(revoked.key);
    const used = first.skapi.mint(sk.org.id, 'Used', 'live');
    first.skapi.touch(used.key.id, '2026-01-02T03:04:05.000Z');

    const state = first.exportState();
    const text = JSON.stringify(state);
    for (const secret of [
      acme.admin.live,
      acme.admin.test,
      made.key,
      sk.admin.live,
      revoked.secret,
      used.secret,
      legba.admin.live,
      ...first.laghav.issued,
      ...first.skapi.issued,
    ]) {
      expect(text.includes(secret), 'a secret in the saved state').toBe(false);
    }
    const ports = portOf(first);
    await first.close();
    open.splice(open.indexOf(first), 1);

    const second = await start({ state: JSON.parse(text) as SandboxState, ports });
    expect(portOf(second)).toEqual(ports);
    expect(second.laghav.accepts(made.key)).toBe(true);
    expect(second.laghav.accepts(acme.admin.live)).toBe(true);
    expect(second.skapi.accepts(revoked.secret)).toBe(false);
    expect(second.skapi.identify(revoked.secret)?.status).toBe('revoked');
    expect(second.skapi.identify(used.secret)?.lastUsedAt).toBe('2026-01-02T03:04:05.000Z');
    expect([...second.legba.orgs.keys()]).toEqual([legba.org.id]);
    // And over HTTP, as Keydeck calls it: the restored key lists its organization's keys.
    const list = (await (
      await fetch(`${second.urls.laghav}/api/keys`, { headers: { authorization: `Bearer ${acme.admin.live}` } })
    ).json()) as { data: { name: string }[] };
    expect(list.data.map((k) => k.name)).toEqual(['Keydeck admin (live)', 'Web', 'Made by API']);
    // New organizations and keys get fresh ids after a restore.
    const next = second.laghav.seedOrg('Next');
    expect(second.laghav.orgs.size).toBe(2);
    expect(second.laghav.identify(next.admin.live)?.id).not.toBe(made.id);
  });

  it('a fixed port in use fails the start and leaves no server of it running', async () => {
    const first = await start();
    const taken = portOf(first);
    await expect(startSandbox({ ports: { laghav: taken.laghav } })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    // The sandbox that holds the port is unharmed.
    expect((await fetch(`${first.urls.laghav}/health`)).status).toBe(200);
  });

  it('refuses a state saved for another provider', () => {
    return startSandbox({
      state: {
        version: 1,
        providers: { laghav: { provider: 'skapi', orgs: [], keys: { pepper: '00', seq: 0, keys: [] } } },
      },
    }).then(
      (s) => {
        open.push(s);
        throw new Error('started');
      },
      (error: Error) => expect(error.message).toMatch(/state of skapi given to laghav/),
    );
  });
});
