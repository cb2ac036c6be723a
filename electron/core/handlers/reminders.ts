import type { Output } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { takeReminders } from '../usage/reminders.js';
import type { usageRowsMemo } from '../usage/rows.js';

/** Reminders: in the app the main process shows them itself; the call is there for the preview host's banner. */
export function remindersHandlers(
  c: CoreContext,
  usageRows: ReturnType<typeof usageRowsMemo>,
): HandlersOf<'reminders'> {
  return {
    async 'reminders.take'(): Promise<Output<'reminders.take'>> {
      return takeReminders(c, () => usageRows());
    },
  };
}
