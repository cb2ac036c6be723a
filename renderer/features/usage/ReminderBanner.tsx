import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Output } from '../../../shared/contract.js';
import { reminderWhere } from '../../../shared/plain.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';
import { useAppInfo } from '../../lib/app-info.js';
import { callKey, useCall } from '../../lib/calls.js';

/** How often the preview looks for keys that became due or stale (the app's main process does the same). */
const INTERVAL_MS = 15 * 60_000;

/** How long after the window opens the first look for reminders waits. */
const START_DELAY_MS = 1500;

type Batch = Output<'reminders.take'>;

/**
 * In the preview host, where there are no desktop notifications, reminders appear as a banner.
 * In the app the main process shows them as system notifications, so this renders nothing there.
 */
export function ReminderBanner({
  onReview,
  onSettings,
}: {
  onReview: (keyRefs: string[]) => void;
  onSettings: () => void;
}) {
  const info = useAppInfo();
  const preview = info.transport === 'preview';
  const queryClient = useQueryClient();
  const [dismissed, setDismissed] = useState<Batch>();
  // Looked for once the first screen is up, not before: a take scans every key, and the core
  // answers one call at a time, so asking at start would hold the first list back.
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    let idle: number | undefined;
    const timer = setTimeout(() => {
      idle =
        typeof requestIdleCallback === 'function'
          ? requestIdleCallback(() => setSettled(true), { timeout: 2000 })
          : undefined;
      if (idle === undefined) setSettled(true);
    }, START_DELAY_MS);
    return () => {
      clearTimeout(timer);
      if (idle !== undefined) cancelIdleCallback(idle);
    };
  }, []);
  // Each take marks its keys as reminded, so a batch is kept until dismissed, not replaced by the next (empty) one.
  const take = useCall(
    'reminders.take',
    {},
    {
      enabled: preview && settled,
      staleTime: Infinity,
      refetchInterval: INTERVAL_MS,
      refetchOnWindowFocus: false,
      structuralSharing: (previous, next) => ((next as Batch).reminders.length > 0 || !previous ? next : previous),
    },
  );
  const batch = take.data && take.data.reminders.length > 0 && take.data !== dismissed ? take.data : undefined;
  const dismiss = () => setDismissed(take.data);
  const turnOff = useAction({
    mutationFn: () => unwrap(api.settings.update({ reminders: false })),
    onSuccess: (value) => {
      queryClient.setQueryData(callKey('settings.get', {}), value);
      dismiss();
    },
  });
  if (!preview || !batch) return null;
  const parts = [
    batch.due > 0 && `${batch.due.toLocaleString()} key${batch.due === 1 ? '' : 's'} due for rotation`,
    batch.stale > 0 && `${batch.stale.toLocaleString()} stale`,
  ]
    .filter(Boolean)
    .join(' and ');
  return (
    <section className="reminder-banner" aria-labelledby="reminder-title" data-testid="reminder-banner">
      <div>
        <h2 id="reminder-title">Reminder: {parts}</h2>
        <p className="small">{reminderWhere(batch)}. Keydeck reminds you of each key at most once a day.</p>
      </div>
      <div className="banner-actions">
        <button
          type="button"
          className="button-primary"
          onClick={() => {
            dismiss();
            onReview(batch.keyRefs);
          }}
        >
          Review
        </button>
        <button type="button" className="button-quiet" onClick={() => turnOff.run()} disabled={turnOff.busy}>
          Turn reminders off
        </button>
        <button type="button" className="button-quiet" onClick={onSettings}>
          Settings
        </button>
        <button type="button" className="button-quiet" aria-label="Dismiss reminder" onClick={() => dismiss()}>
          ✕
        </button>
      </div>
    </section>
  );
}
