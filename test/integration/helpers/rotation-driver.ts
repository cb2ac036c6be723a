import type { RotationAction, RotationView } from '../../../shared/rotation.js';

/** What the person does at the provider's dashboard, over the sandbox's test-control endpoints. */
export function sandboxHands(origin: string, sandboxOrgId: string) {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox control ${path}: ${res.status}`);
    return (await res.json()) as { id: string; secret: string };
  };
  return {
    mint: (name: string, environment: 'live' | 'test') =>
      post('/__sandbox/mint', { orgId: sandboxOrgId, name, environment }),
    revoke: (secret: string) => post('/__sandbox/revoke', { secret }),
  };
}

/** The one call the person's hands make, typed by the contract. */
type Call = (channel: 'rotation.act', input: { rotationId: string; action: RotationAction }) => Promise<unknown>;

/**
 * Plays the person through a rotation: creates the key in the dashboard when asked, deploys "by
 * hand", confirms use, revokes in the dashboard when asked, resumes after a failure. Returns the
 * finished rotation.
 */
export async function playRotation(
  call: Call,
  rotation: RotationView,
  hands: ReturnType<typeof sandboxHands>,
  secretOf: (credentialId: string) => Promise<string | null>,
): Promise<RotationView> {
  let r = rotation;
  let failures = 0;
  for (let i = 0; i < 40; i++) {
    const act = async (action: RotationAction) => {
      r = (await call('rotation.act', { rotationId: r.id, action })) as RotationView;
    };
    if (r.status === 'done' || r.status === 'cancelled') return r;
    if (r.status === 'failed') {
      if (++failures > 5) throw new Error(`rotation keeps failing at ${r.step}: ${r.error?.code} ${r.error?.message}`);
      await act({ kind: 'resume' });
    } else if (r.status === 'running') {
      await act({ kind: 'resume' });
    } else if (r.step === 'create') {
      const made = await hands.mint(r.newKey.name, r.environment);
      await act({ kind: 'pasteNew', key: made.secret });
    } else if (r.step === 'deploy') {
      await act({ kind: 'deploy', targets: [{ kind: 'manual' }] });
      await act({ kind: 'deployed' });
    } else if (r.step === 'confirmUse') {
      await act({ kind: 'confirmUse', override: true });
    } else if (r.step === 'revoke' || r.step === 'confirmRevoked') {
      const old = await secretOf(r.old.credentialId);
      if (old) await hands.revoke(old);
      await act({ kind: 'revokedInDashboard' });
    } else if (r.step === 'cancelling') {
      const fresh = await secretOf(r.newKey.credentialId);
      if (fresh) await hands.revoke(fresh);
      await act({ kind: 'revokedInDashboard' });
    } else {
      throw new Error(`don't know how to go on from ${r.step}/${r.status}`);
    }
  }
  throw new Error('rotation did not finish');
}
