import type { Output, ParsedInput } from '../../../shared/contract.js';
import { fail } from '../../../shared/errors.js';
import { POINT_OF_NO_RETURN, rotatedName, type Rotation, type RotationView } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import { randomId } from '../ports.js';
import type { Boundary } from '../rotation/engine.js';
import { RotationEngine } from '../rotation/engine.js';
import { recommendation } from '../rotation/usage.js';
import { cancelPlan } from '../rotation/rollback.js';
import type { HandlersOf } from '../dispatch.js';
import type { Exclusive } from '../exclusive.js';

/** Rotations kept in the journal once finished (unfinished ones are always kept). */
const KEEP_FINISHED = 200;

/** The rotation calls of the contract, over one engine. */
export function rotationHandlers(
  c: CoreContext,
  copySecret: (secret: string) => Promise<unknown>,
  guard: Exclusive,
  boundary?: Boundary,
): { engine: RotationEngine; handlers: HandlersOf<'rotation'> } {
  const engine = new RotationEngine(c, copySecret, guard, boundary);

  function view(r: Rotation): RotationView {
    const doc = c.deps.meta.read();
    const org = c.org(doc, r.orgId);
    const info = c.adapter(org).info;
    return {
      ...r,
      orgName: org.name,
      provider: info.displayName,
      canCancel: !POINT_OF_NO_RETURN.includes(r.step) && r.status !== 'done' && r.status !== 'cancelled',
      rememberedTargets: doc.deployPrefs[r.old.credentialId] ?? [],
      envVar: info.envVar,
      recommendation: r.step === 'confirmUse' ? recommendation(r, info, c.deps.clock()) : undefined,
      cancelPlan: cancelPlan(r, {
        displayName: info.displayName,
        revokesByApi: info.capabilities.revoke === 'api' && Boolean(r.newKey.providerKeyId),
      }),
    };
  }

  return {
    engine,
    handlers: {
      /** Unfinished rotations first (to offer Resume or Cancel), then the latest finished ones. */
      async 'rotation.list'(): Promise<Output<'rotation.list'>> {
        const doc = c.deps.meta.read();
        // Journals of an organization that is gone stay in the file; they cannot be shown or resumed.
        const rotations = doc.rotations.filter((r) => doc.organizations.some((o) => o.id === r.orgId));
        const open = rotations.filter((r) => r.status !== 'done' && r.status !== 'cancelled');
        const recent = rotations
          .filter((r) => !open.includes(r))
          .slice(-20)
          .reverse();
        return { rotations: [...open, ...recent].map(view) };
      },

      async 'rotation.get'(input: ParsedInput<'rotation.get'>): Promise<Output<'rotation.get'>> {
        return view(engine.get(input.rotationId));
      },

      async 'rotation.start'(input: ParsedInput<'rotation.start'>): Promise<Output<'rotation.start'>> {
        const doc = c.deps.meta.read();
        const org = c.org(doc, input.orgId);
        const cred = c.credential(doc, org, input.credentialId);
        if (cred.role !== 'admin' && cred.role !== 'held') fail('CONFLICT', 'This key is already part of a rotation.');
        if (
          doc.rotations.some((r) => r.old.credentialId === cred.id && r.status !== 'done' && r.status !== 'cancelled')
        ) {
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
          history: [
            { at: now, step: 'plan', event: `planned: replace ${providerName ?? cred.label} (…${cred.last4})` },
          ],
        };
        await c.deps.meta.update((d) => {
          // Checked again inside the write: one unfinished rotation per key, whatever ran meanwhile.
          if (
            d.rotations.some((x) => x.old.credentialId === cred.id && x.status !== 'done' && x.status !== 'cancelled')
          ) {
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
        await boundary?.('plan');
        return view(await engine.runNew(rotation.id));
      },

      async 'rotation.act'(input: ParsedInput<'rotation.act'>): Promise<Output<'rotation.act'>> {
        return view(await engine.act(input.rotationId, input.action));
      },
    },
  };
}
