/**
 * A Keydeck core in its own process holding a profile, for the one-process-per-profile tests.
 * Prints one JSON line: {"ready":true,"pid":…} once it holds the profile and wrote to it, or
 * {"refused":{…}} if another process holds it (then exits 3). While ready, a line "exit" on stdin
 * makes it close cleanly (dispose, exit 0); the test may also SIGKILL it.
 *
 *   node --import tsx profile-lock-child.ts <profileDir> [staleMs]
 */
import { createInterface } from 'node:readline';
import { createNodeWorkspace } from '../../../electron/node-workspace.js';
import { MemoryClipboard } from '../../../electron/core/ports.js';
import { ProfileLockedError } from '../../../electron/core/store/profile-lock.js';
import { MemorySecretStore } from '../../../electron/core/vault/memory-store.js';

const [profileDir = '', staleMs] = process.argv.slice(2);
let ws: ReturnType<typeof createNodeWorkspace>;
try {
  ws = createNodeWorkspace({
    profileDir,
    keychainService: `Keydeck Lock ${process.pid}`,
    transport: 'preview',
    version: 'test',
    secrets: new MemorySecretStore(),
    clipboard: new MemoryClipboard(),
    profileLockStaleMs: staleMs ? Number(staleMs) : undefined,
  });
} catch (error) {
  if (!(error instanceof ProfileLockedError)) throw error;
  process.stdout.write(
    `${JSON.stringify({ refused: { code: error.code, message: error.message, profileDir: error.profileDir, holder: error.holder } })}\n`,
  );
  process.exit(3);
}
// A write of its own, so a holder is a real writer.
await ws.meta.update((doc) => {
  doc.settings.reminders = true;
});
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() === 'exit') {
    await ws.dispose();
    process.exit(0);
  }
}
