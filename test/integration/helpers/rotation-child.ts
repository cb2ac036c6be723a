/**
 * A Keydeck core in its own process, for crash injection: it rotates a key (or resumes the
 * unfinished rotation) and SIGKILLs itself at the named step boundary, mid-flight, as a power cut
 * or a killed app would. The spec arrives as JSON in KEYDECK_CRASH_SPEC.
 */
import { createNodeWorkspace } from '../../../electron/node-workspace.js';
import { borrowParentProfileLock } from '../../../electron/core/store/profile-lock.js';
import { KeytarSecretStore } from '../../../electron/core/vault/keytar-store.js';
import type { RotationView } from '../../../shared/rotation.js';
import { playRotation, sandboxHands } from './rotation-driver.js';

interface Spec {
  profileDir: string;
  service: string;
  urls: Record<string, string>;
  dashboards: Record<string, string>;
  origin: string;
  sandboxOrgId: string;
  orgId: string;
  credentialId: string;
  provider: string;
  crashAt: string;
}
const spec = JSON.parse(process.env.KEYDECK_CRASH_SPEC ?? '{}') as Spec;
const secrets = new KeytarSecretStore(spec.service);
const ws = createNodeWorkspace({
  profileDir: spec.profileDir,
  keychainService: spec.service,
  transport: 'preview',
  version: 'test',
  secrets,
  // The crash test holds this profile's lock and waits for this child: run under the parent's lock.
  profileLock: borrowParentProfileLock(spec.profileDir),
  baseUrlOverrides: spec.urls,
  dashboardUrlOverrides: spec.dashboards,
  boundary: (name) => {
    if (name === spec.crashAt) process.kill(process.pid, 'SIGKILL');
  },
});
const call = async (channel: string, input: unknown) => {
  const r = await ws.call(channel, input);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value;
};
const secretOf = async (credentialId: string) => {
  const cred = ws.meta.read().credentials.find((c) => c.id === credentialId);
  return cred ? secrets.get(`${spec.provider}:${spec.orgId}:${cred.environment}:${cred.id}`) : null;
};
const started = (await call('rotation.start', {
  orgId: spec.orgId,
  credentialId: spec.credentialId,
  confirmLive: true,
})) as RotationView;
const done = await playRotation(call, started, sandboxHands(spec.origin, spec.sandboxOrgId), secretOf);
process.stdout.write(`${JSON.stringify({ status: done.status })}\n`);
process.exit(0);
