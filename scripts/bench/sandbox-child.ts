/**
 * The provider sandbox in its own process, for `npm run bench`: so its CPU never counts against
 * Keydeck's and its memory never against the core's RSS. Spoken to over stdin/stdout, one JSON
 * object a line (scripts/bench/pipe.ts). Admin secrets travel only over that pipe: nothing is
 * printed to stderr or a file.
 *
 *   {"id":1,"cmd":"start"}                         → {urls}
 *   {"id":2,"cmd":"seed","orgs":90,"keysPerEnv":50} → {admins:[{name,live,test}]} (new organizations only)
 *   {"id":3,"cmd":"latency","ms":50}                → {} (0: answers at once)
 *   {"id":4,"cmd":"resetUsage"}                     → {} (today's call counts back to 0: test keys allow 100 calls a day)
 *   {"id":5,"cmd":"stats"}                          → {requests, cpuMs, keys}
 *   {"id":6,"cmd":"close"}                          → {} then exits
 */
import { serveLines } from './pipe.js';
import { startSandbox, type Sandbox } from '../../test/sandbox/server.js';
import { orgName } from './common.js';

let sandbox: Sandbox | undefined;
let seeded = 0;
const DAY = 86_400_000;

function need(): Sandbox {
  if (!sandbox) throw new Error('sandbox not started');
  return sandbox;
}

async function handle(msg: { cmd: string; [k: string]: unknown }): Promise<unknown> {
  switch (msg.cmd) {
    case 'start':
      sandbox ??= await startSandbox();
      return { urls: sandbox.urls };
    case 'seed': {
      const s = need();
      const count = Number(msg.orgs);
      const perEnv = Number(msg.keysPerEnv);
      const admins: { name: string; live: string; test: string }[] = [];
      for (let i = 0; i < count; i++) {
        const name = orgName(seeded + i);
        const extra = (['live', 'test'] as const).flatMap((environment) =>
          Array.from({ length: perEnv - 1 }, (_, k) => ({ name: `${environment} service ${k + 1}`, environment })),
        );
        const { org, admin } = s.laghav.seedOrg(name, extra);
        // Realistic dates: creation spread over two years (the same spread at every scale).
        let n = (seeded + i) * perEnv * 2;
        for (const key of s.laghav.keys.ofOrg(org.id))
          key.createdAt = new Date(Date.now() - ((n++ * 7919) % 730) * DAY - 3_600_000).toISOString();
        admins.push({ name, ...admin });
      }
      seeded += count;
      return { admins };
    }
    case 'latency': {
      const s = need();
      s.servers.laghav.faults.clear();
      if (Number(msg.ms) > 0) s.fault('laghav', { kind: 'latency', ms: Number(msg.ms) });
      return {};
    }
    case 'resetUsage':
      for (const key of need().laghav.keys.byId.values()) key.usage = { day: '', calls: 0 };
      return {};
    case 'stats': {
      const cpu = process.cpuUsage();
      return {
        requests: need().laghav.calls.length,
        cpuMs: (cpu.user + cpu.system) / 1000,
        keys: need().laghav.keys.byId.size,
      };
    }
    case 'close':
      await sandbox?.close();
      sandbox = undefined;
      return {};
    default:
      throw new Error(`unknown command ${msg.cmd}`);
  }
}

// The parent went away: stop.
serveLines(handle, () => sandbox?.close());
