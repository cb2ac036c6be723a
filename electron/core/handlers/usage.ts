import type { Output, ParsedInput } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { quotaViews } from '../usage/quota.js';
import type { usageRowsMemo } from '../usage/rows.js';

/** Usage: the overview of every key from the last lists, and the day's calls against each quota. Never the network. */
export function usageHandlers(c: CoreContext, usageRows: ReturnType<typeof usageRowsMemo>): HandlersOf<'usage'> {
  return {
    /**
     * Every key of every organization (or one) from the last lists, with its flags and the counts
     * for the summary line. Organizations never listed yet are counted as such.
     */
    async 'usage.overview'(input: ParsedInput<'usage.overview'>): Promise<Output<'usage.overview'>> {
      const { rows, counts, organizations, unlisted, asOf } = usageRows(input.orgId, input.environment);
      return {
        rows,
        summary: {
          keys: rows.length,
          organizations,
          due: counts.due,
          stale: counts.stale,
          neverUsed: counts.neverUsed,
          lastUsedUnknown: counts.lastUsedUnknown,
          unlisted,
        },
        asOf: asOf ?? null,
      };
    },

    async 'usage.quotas'(input: ParsedInput<'usage.quotas'>): Promise<Output<'usage.quotas'>> {
      return { quotas: quotaViews(c, input.orgId) };
    },
  };
}
