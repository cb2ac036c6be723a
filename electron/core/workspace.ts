import type { Result } from '../../shared/errors.js';
import { CoreContext, type CoreDeps } from './context.js';
import { endSession } from './credentials.js';
import { dispatch, type Handlers } from './dispatch.js';
import { Exclusive, lockPlan } from './exclusive.js';
import { activityHandlers } from './handlers/activity.js';
import { appHandlers } from './handlers/app.js';
import { clipboardHandlers } from './handlers/clipboard.js';
import { dashboardHandlers } from './handlers/dashboard.js';
import { dataHandlers, type DataPlaces } from './handlers/data.js';
import { deployHandlers } from './handlers/deploy.js';
import { keysHandlers } from './handlers/keys.js';
import { orgsHandlers } from './handlers/orgs.js';
import { remindersHandlers } from './handlers/reminders.js';
import { rotationHandlers } from './handlers/rotation.js';
import { providersHandlers } from './handlers/providers.js';
import { settingsHandlers } from './handlers/settings.js';
import { storeHandlers } from './handlers/store.js';
import { usageHandlers } from './handlers/usage.js';
import { vaultHandlers } from './handlers/vault.js';
import type { Boundary } from './rotation/engine.js';
import { usageRowsMemo } from './usage/rows.js';

/** Default time a copied secret stays on the clipboard. */
export const CLIPBOARD_CLEAR_MS = 30_000;

/**
 * The workspace: the facade every transport calls. Build it once per process with its ports
 * (keychain, metadata store, HTTP, clipboard, clock, logger), then `call(channel, input)`.
 */
export function createWorkspace(
  deps: CoreDeps,
  options: {
    boundary?: Boundary;
    /** Where this transport keeps logs, for Settings → Remove all Keydeck data (default `<profile>/logs`). */
    dataPlaces?: DataPlaces;
  } = {},
) {
  const c = new CoreContext(deps);
  const clearMs = deps.clipboardClearMs ?? CLIPBOARD_CLEAR_MS;
  const pending = new Map<NodeJS.Timeout, string>();
  const clearIfStill = async (secret: string) => {
    if ((await deps.clipboard.readText().catch(() => '')) === secret)
      await deps.clipboard.clear().catch(() => undefined);
  };

  const copySecret = async (secret: string) => {
    await deps.clipboard.writeText(secret);
    // Clear only if the clipboard still holds this secret: never wipe something the user copied since.
    const timer = setTimeout(() => {
      pending.delete(timer);
      void clearIfStill(secret);
    }, clearMs);
    timer.unref?.();
    pending.set(timer, secret);
    return { clearsAfterMs: clearMs };
  };
  // One change at a time per key, organization-environment and rotation (see exclusive.ts).
  const guard = new Exclusive();
  const rotation = rotationHandlers(c, copySecret, guard, options.boundary);
  // Organizations of a session-only session that ended without a clean quit (a crash) go first.
  const ready = endSession(c).catch(() => undefined);

  // Usage rows are kept per organization-environment for the overview and the reminders alike.
  const usageRows = usageRowsMemo(c);

  // One file per contract prefix (core/handlers/<prefix>.ts): a call's name says where it is answered.
  const handlers: Handlers = {
    ...appHandlers(c),
    ...orgsHandlers(c),
    ...keysHandlers(c),
    ...usageHandlers(c, usageRows),
    ...remindersHandlers(c, usageRows),
    ...settingsHandlers(c),
    ...providersHandlers(c),
    ...activityHandlers(c),
    ...dashboardHandlers(c),
    ...deployHandlers(c),
    ...rotation.handlers,
    ...clipboardHandlers(c, copySecret),
    ...vaultHandlers(c),
    ...storeHandlers(c),
    ...dataHandlers(c, options.dataPlaces),
  };

  for (const channel of Object.keys(handlers) as (keyof Handlers)[]) {
    const run = handlers[channel] as (input: unknown) => Promise<unknown>;
    (handlers as Record<string, (input: unknown) => Promise<unknown>>)[channel] = (input: unknown) => {
      const plan = lockPlan(channel, input as Record<string, unknown>, () => deps.meta.read());
      return plan ? guard.run(plan.locks, [channel, input], plan.what, () => run(input)) : run(input);
    };
  }

  return {
    handlers,
    /** The rotation engine, for resuming unfinished rotations at start. */
    rotations: rotation.engine,
    /** Validates and runs one contract call; never throws. */
    call: async (channel: unknown, input: unknown): Promise<Result<unknown>> => {
      await ready;
      return dispatch(handlers, channel, input, deps.logger, deps.onUndeclaredError);
    },
    /** The keychain, or session-only memory. */
    vault: c.vault,
    /** Clears any secret still on the clipboard and forgets session-only keys (called on quit). */
    async dispose(): Promise<void> {
      await ready;
      await endSession(c).catch(() => undefined);
      await c.cache.flush();
      const secrets = [...pending.values()];
      for (const timer of pending.keys()) clearTimeout(timer);
      pending.clear();
      for (const secret of secrets) await clearIfStill(secret);
    },
  };
}

export type Workspace = ReturnType<typeof createWorkspace>;
