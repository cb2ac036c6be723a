import pLimit from 'p-limit';
import type { Environment } from './domain.js';
import type { KeydeckError, Result } from './errors.js';

export interface RefreshTarget {
  orgId: string;
  environment: Environment;
}

export interface RefreshOutcome extends RefreshTarget {
  ok: boolean;
  error?: KeydeckError;
}

/**
 * Every connected organization-environment (of one organization, or one environment, when given):
 * what a Refresh all lists and what the overview is built from, in the organizations' order.
 */
export function refreshTargets(
  organizations: readonly { id: string; environments: readonly Environment[] }[],
  orgId?: string,
  environment?: Environment,
): RefreshTarget[] {
  return organizations
    .filter((o) => !orgId || o.id === orgId)
    .flatMap((o) =>
      o.environments.filter((e) => !environment || e === environment).map((e) => ({ orgId: o.id, environment: e })),
    );
}

/**
 * How many lists a Refresh all asks for at once: the UI's button and the benchmark run this same
 * path with this same bound (the providers' documented rate limits are per key, and each
 * organization-environment has its own key, so 16 in flight stays far below any of them).
 */
export const REFRESH_CONCURRENCY = 16;

/**
 * "Refresh all": lists every organization-environment with bounded concurrency, reporting progress
 * as each one settles. Each call has its own deadline in the core, so one slow or failing provider
 * never holds up the others; a failure is recorded, never thrown.
 */
export async function refreshAll<V = unknown>(
  targets: RefreshTarget[],
  list: (t: RefreshTarget) => Promise<Result<V>>,
  options: {
    concurrency?: number;
    /** Told as each list settles; `value` is the call's answer when it succeeded. */
    onProgress?: (done: number, total: number, outcome: RefreshOutcome, value: V | undefined) => void;
  } = {},
): Promise<RefreshOutcome[]> {
  const limit = pLimit(options.concurrency ?? REFRESH_CONCURRENCY);
  let done = 0;
  return Promise.all(
    targets.map((t) =>
      limit(async () => {
        let outcome: RefreshOutcome;
        let value: V | undefined;
        try {
          const r = await list(t);
          if (r.ok) value = r.value;
          outcome = r.ok ? { ...t, ok: true } : { ...t, ok: false, error: r.error };
        } catch {
          outcome = { ...t, ok: false, error: { code: 'INTERNAL', message: 'The refresh call failed.' } };
        }
        done += 1;
        options.onProgress?.(done, targets.length, outcome, value);
        return outcome;
      }),
    ),
  );
}
