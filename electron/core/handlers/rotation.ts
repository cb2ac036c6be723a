import type { Output, ParsedInput } from '../../../shared/contract.js';
import { POINT_OF_NO_RETURN, type Rotation, type RotationView } from '../../../shared/rotation.js';
import type { CoreContext } from '../context.js';
import type { Boundary } from '../rotation/engine.js';
import { RotationEngine } from '../rotation/engine.js';
import { planRotation } from '../rotation/plan.js';
import { recommendation } from '../rotation/usage.js';
import { cancelPlan } from '../rotation/rollback.js';
import type { HandlersOf } from '../dispatch.js';
import type { Exclusive } from '../exclusive.js';

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
        const rotation = await planRotation(c, input);
        await boundary?.('plan');
        return view(await engine.runNew(rotation.id));
      },

      async 'rotation.act'(input: ParsedInput<'rotation.act'>): Promise<Output<'rotation.act'>> {
        return view(await engine.act(input.rotationId, input.action));
      },
    },
  };
}
