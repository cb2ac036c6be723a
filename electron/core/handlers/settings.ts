import type { Output, ParsedInput } from '../../../shared/contract.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';

/** Settings: reminders and the tray. */
export function settingsHandlers(c: CoreContext): HandlersOf<'settings'> {
  return {
    async 'settings.get'(): Promise<Output<'settings.get'>> {
      return { settings: c.deps.meta.read().settings };
    },

    async 'settings.update'(input: ParsedInput<'settings.update'>): Promise<Output<'settings.update'>> {
      return c.deps.meta.update((doc) => {
        if (input.reminders !== undefined) doc.settings.reminders = input.reminders;
        if (input.tray !== undefined) doc.settings.tray = input.tray;
        return { settings: { ...doc.settings } };
      });
    },
  };
}
