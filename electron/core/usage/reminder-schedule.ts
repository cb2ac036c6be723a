import type { Output } from '../../../shared/contract.js';
import type { Result } from '../../../shared/errors.js';
import { reminderText } from './reminders.js';

/** How often the app looks for keys that became due or stale (each key is still reminded at most once a day). */
export const REMINDER_INTERVAL_MS = 15 * 60_000;
/** The first look, well after start: never in front of the first lists (it reads every cached list once). */
export const REMINDER_FIRST_DELAY_MS = 20_000;

/**
 * Asks the core for new reminders now and then, and shows each batch as one notification. The
 * transport supplies `notify` (Electron's Notification in the app). Never throws: a failed look
 * is tried again at the next interval.
 */
export function scheduleReminders(options: {
  take: () => Promise<Result<Output<'reminders.take'>>>;
  notify: (text: { title: string; body: string }) => void;
  intervalMs?: number;
  firstDelayMs?: number;
}): { check: () => Promise<boolean>; stop: () => void } {
  const check = async (): Promise<boolean> => {
    try {
      const result = await options.take();
      if (!result.ok || !result.value.enabled || result.value.reminders.length === 0) return false;
      options.notify(reminderText(result.value));
      return true;
    } catch {
      return false;
    }
  };
  const first = setTimeout(() => void check(), options.firstDelayMs ?? REMINDER_FIRST_DELAY_MS);
  const every = setInterval(() => void check(), options.intervalMs ?? REMINDER_INTERVAL_MS);
  first.unref?.();
  every.unref?.();
  return {
    check,
    stop: () => {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
