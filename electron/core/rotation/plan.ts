import type { ParsedInput } from '../../../shared/contract.js';
import { fail } from '../../../shared/errors.js';
import { rotatedName, type Rotation } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import { randomId } from '../ports.js';

/** Rotations kept in the journal once finished (unfinished ones are always kept). */
const KEEP_FINISHED = 200;

/**
 * Planning a rotation (`rotation.start`): the checks (one unfinished rotation per key, a LIVE key
 * confirmed, a keychain to store the new key in), the old key's own name and scope where the provider
 * lists them, and the journal entry, written before anything happens at the provider. The new key's
 * keychain entry is reserved here, so a key that reaches the keychain before a crash is found again.
 */
export async function planRotation(c: CoreContext, input: ParsedInput<'rotation.start'>): Promise<Rotation> {
  const doc = c.deps.meta.read();
  const org = c.org(doc, input.orgId);
  const cred = c.credential(doc, org, input.credentialId);
  if (cred.role !== 'admin' && cred.role !== 'held') fail('CONFLICT', 'This key is already part of a rotation.');
  if (doc.rotations.some((r) => r.old.credentialId === cred.id && r.status !== 'done' && r.status !== 'cancelled')) {
    fail('CONFLICT', 'This key is already being rotated: resume or cancel that rotation first.');
  }
  c.assertCanStore(org, cred.environment);
  if (cred.environment === 'live' && !input.confirmLive) {
    fail('VALIDATION_FAILED', 'Rotating a LIVE key needs an explicit confirmation.');
  }
  const adapter = c.adapter(org);
  // Where the provider lists keys, take the old key's own name and scope, so the new key is
  // recognisable at the provider and can do what the old one did.
  let providerName: string | undefined;
  let scope: string | undefined;
  if (adapter.list && cred.providerKeyId) {
    const { ctx } = await c.callWith(doc, org, cred.environment);
    const found = (await adapter.list(ctx)).find((k) => k.id === cred.providerKeyId);
    providerName = found?.name || undefined;
    scope = found?.scope;
  }
  const now = c.now();
  const rotation: Rotation = {
    id: `rot_${randomId(16)}`,
    orgId: org.id,
    environment: cred.environment,
    old: {
      credentialId: cred.id,
      providerKeyId: cred.providerKeyId,
      label: providerName ?? cred.label,
      role: cred.role,
      prefix: cred.prefix,
      last4: cred.last4,
    },
    newKey: {
      credentialId: `cred_${randomId(16)}`,
      name: rotatedName(providerName ?? cred.label, c.deps.clock()),
      scope,
    },
    orphans: [],
    step: 'create',
    status: 'running',
    deployTargets: [],
    deployResults: [],
    deployRecords: [],
    quietWindowMinutes: input.quietWindowMinutes ?? 60,
    usage: { polls: 0, keydeckCalls: { old: cred.role === 'admin' ? now : undefined } },
    liveConfirmedAt: cred.environment === 'live' ? now : undefined,
    startedAt: now,
    updatedAt: now,
    history: [{ at: now, step: 'plan', event: `planned: replace ${providerName ?? cred.label} (…${cred.last4})` }],
  };
  await c.deps.meta.update((d) => {
    // Checked again inside the write: one unfinished rotation per key, whatever ran meanwhile.
    if (d.rotations.some((x) => x.old.credentialId === cred.id && x.status !== 'done' && x.status !== 'cancelled')) {
      fail('CONFLICT', 'This key is already being rotated: resume or cancel that rotation first.');
    }
    d.rotations.push(rotation);
    const finished = d.rotations.filter((r) => r.status === 'done' || r.status === 'cancelled');
    const drop = new Set(finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)).map((r) => r.id));
    d.rotations = d.rotations.filter((r) => !drop.has(r.id));
    c.record(d, {
      action: 'rotation.start',
      orgId: org.id,
      environment: cred.environment,
      keyId: cred.providerKeyId,
      last4: cred.last4,
      detail: rotation.id,
    });
  });
  return rotation;
}
