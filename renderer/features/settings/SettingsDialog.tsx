import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';

/** The person's preferences: for now, whether Keydeck reminds them of due and stale keys. */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const info = useAppInfo();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => unwrap(api.settings.get({})) });
  const update = useMutation({
    mutationFn: (reminders: boolean) => unwrap(api.settings.update({ reminders })),
    // The box follows the click at once; a failed save puts back what is stored.
    onMutate: (reminders) => queryClient.setQueryData(['settings'], { settings: { reminders } }),
    onSuccess: (value) => queryClient.setQueryData(['settings'], value),
    onError: () => queryClient.invalidateQueries({ queryKey: ['settings'] }),
  });
  const id = useId();
  const on = settings.data?.settings.reminders ?? false;
  return (
    <Dialog title="Settings" onClose={onClose}>
      {settings.isError && <ErrorNotice error={settings.error} title="Could not read the settings" />}
      <div className="setting">
        <input id={id} type="checkbox" checked={on} disabled={!settings.data} onChange={(e) => update.mutate(e.target.checked)} />
        <label htmlFor={id}>
          Remind me when keys become due for rotation or stale
          <span className="muted small setting-help">
            {info.transport === 'electron' ? 'A desktop notification' : 'A banner at the top of Keydeck'}, at most once a day per key. Due and stale follow each organization’s policy (Usage tab).
          </span>
        </label>
      </div>
      {update.isError && <ErrorNotice error={update.error} title="The setting was not saved" />}
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={onClose}>
          Done
        </button>
      </div>
    </Dialog>
  );
}
