import type { Output, ParsedInput } from '../../shared/contract.js';
import type { Result } from '../../shared/errors.js';
import type { ProviderId } from '../../shared/domain.js';
import { fail } from '../../shared/errors.js';
import { CoreContext, type CoreDeps } from './context.js';
import { dataHandlers, type DataPlaces } from './data.js';
import { redactUrl } from './http/client.js';
import { checkDashboardUrl } from './http/url-policy.js';
import { dispatch, type Handlers } from './dispatch.js';
import { Exclusive, lockPlan } from './exclusive.js';
import { keyHandlers } from './keys.js';
import { endSession, orgHandlers } from './orgs.js';
import { recover, storeStatus } from './recovery.js';
import { providerInfos } from './providers/index.js';
import type { Boundary } from './rotation/engine.js';
import { isEnvFileName } from './rotation/env-file.js';
import { rotationHandlers } from './rotation/handlers.js';
import { usageHandlers } from './usage/handlers.js';

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
    if ((await deps.clipboard.readText().catch(() => '')) === secret) await deps.clipboard.clear().catch(() => undefined);
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

  const handlers: Handlers = {
    ...rotation.handlers,
    ...usageHandlers(c),
    async 'app.info'(): Promise<Output<'app.info'>> {
      return {
        version: deps.version,
        transport: deps.transport,
        keychainService: deps.secrets.service,
        demo: deps.demo,
        providers: providerInfos(),
        sandboxProviders: Object.keys(deps.baseUrlOverrides ?? {}) as ProviderId[],
      };
    },
    ...orgHandlers(c),
    ...keyHandlers(c),
    ...dataHandlers(c, options.dataPlaces),
    async 'activity.copied'(input: ParsedInput<'activity.copied'>): Promise<Output<'activity.copied'>> {
      await deps.meta.update((doc) => {
        c.org(doc, input.orgId);
        c.record(doc, { action: 'key.copy', orgId: input.orgId, environment: input.environment, keyId: input.keyId, last4: input.last4 });
      });
      return {};
    },
    async 'vault.status'(input: ParsedInput<'vault.status'>): Promise<Output<'vault.status'>> {
      return c.vault.current(input.recheck ?? false);
    },
    async 'vault.useSession'(): Promise<Output<'vault.useSession'>> {
      return c.vault.useSession();
    },
    async 'store.status'(): Promise<Output<'store.status'>> {
      return storeStatus(c);
    },
    async 'store.recover'(): Promise<Output<'store.recover'>> {
      const report = await recover(c);
      // A rebuilt file may still list organizations of an old session-only session: they end now.
      await endSession(c);
      return report;
    },
    async 'dashboard.open'(input: ParsedInput<'dashboard.open'>): Promise<Output<'dashboard.open'>> {
      const org = c.org(deps.meta.read(), input.orgId);
      const info = c.adapter(org).info;
      const url = org.dashboardUrl ?? deps.dashboardUrlOverrides?.[org.provider] ?? info.dashboardUrl;
      if (!url) fail('NOT_FOUND', `${info.displayName} publishes no dashboard address; set your organization's dashboard URL.`);
      // A provider without a published dashboard host (Legba) allows only the https URL the user set.
      const hosts = info.dashboardHosts.length ? info.dashboardHosts : org.dashboardUrl ? [new URL(org.dashboardUrl).hostname] : [];
      const checked = checkDashboardUrl(url, hosts);
      if (!checked.ok) fail('INSECURE_URL', `Keydeck will not open ${redactUrl(url)}: ${checked.reason}.`);
      if (!deps.openExternal) return { url: checked.url, opened: false };
      await deps.openExternal(checked.url);
      return { url: checked.url, opened: true };
    },
    async 'deploy.pickEnvFile'(input: ParsedInput<'deploy.pickEnvFile'>): Promise<Output<'deploy.pickEnvFile'>> {
      if (!deps.pickEnvFile) return { supported: false };
      const path = await deps.pickEnvFile(input.suggestedName ?? '.env');
      if (path && !isEnvFileName(path)) fail('VALIDATION_FAILED', 'Keydeck writes keys only into .env files (.env, .env.production, app.env…).');
      return { supported: true, path };
    },
    async 'clipboard.copySecret'(input: ParsedInput<'clipboard.copySecret'>): Promise<Output<'clipboard.copySecret'>> {
      const copied = await copySecret(input.secret);
      const about = input.about;
      if (about) {
        await deps.meta.update((doc) => {
          if (doc.organizations.some((o) => o.id === about.orgId)) c.record(doc, { action: 'key.copy', orgId: about.orgId, environment: about.environment, keyId: about.keyId, last4: about.last4 });
        });
      }
      return copied;
    },
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
