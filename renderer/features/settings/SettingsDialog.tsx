import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';
import { RemoveAllData } from './RemoveAllData.js';
import { trayOn } from '../../../shared/plain.js';
import type { Settings } from '../../../shared/usage.js';
import { callKey, useCall } from '../../lib/calls.js';

/** The platform as far as the tray default needs it: Linux or not (the sandboxed page has no `process`). */
const platform = /Linux/i.test(navigator.userAgent) ? 'linux' : 'other';

/** The person's preferences: reminders of due and stale keys, and (in the app) the tray icon. */
export function SettingsDialog({ onClose, onProviders }: { onClose: () => void; onProviders: () => void }) {
  const info = useAppInfo();
  const queryClient = useQueryClient();
  const settings = useCall('settings.get', {});
  const key = callKey('settings.get', {});
  const update = useMutation({
    // Only the setting that changed is sent.
    mutationFn: (change: Partial<Settings>) => unwrap(api.settings.update(change)),
    // The box follows the click at once; a failed save puts back what is stored.
    onMutate: (change) =>
      queryClient.setQueryData<{ settings: Settings }>(key, (old) => ({
        settings: { reminders: false, ...old?.settings, ...change },
      })),
    onSuccess: (value) => queryClient.setQueryData(key, value),
    onError: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const id = useId();
  const trayId = useId();
  const on = settings.data?.settings.reminders ?? false;
  const tray = settings.data ? trayOn(settings.data.settings, platform) : false;
  return (
    <Dialog title="Settings" onClose={onClose}>
      {settings.isError && <ErrorNotice error={settings.error} title="Could not read the settings" />}
      <div className="setting">
        <input
          id={id}
          type="checkbox"
          checked={on}
          disabled={!settings.data}
          onChange={(e) => update.mutate({ reminders: e.target.checked })}
        />
        <label htmlFor={id}>
          Remind me when keys become due for rotation or stale
          <span className="muted small setting-help">
            {info.transport === 'electron' ? 'A desktop notification' : 'A banner at the top of Keydeck'}, at most once
            a day per key. Due and stale follow each organization’s policy (Usage tab).
          </span>
        </label>
      </div>
      {info.transport === 'electron' && (
        <div className="setting">
          <input
            id={trayId}
            type="checkbox"
            checked={tray}
            disabled={!settings.data}
            onChange={(e) => update.mutate({ tray: e.target.checked })}
          />
          <label htmlFor={trayId}>
            Keep Keydeck in the tray when its window is closed
            <span className="muted small setting-help">
              Reminders keep coming with the window closed; quit from the tray icon’s menu.{' '}
              {platform === 'linux' ? 'Off unless you turn it on: some Linux desktops show no tray.' : ''}
            </span>
          </label>
        </div>
      )}
      {update.isError && <ErrorNotice error={update.error} title="The setting was not saved" />}
      <div className="setting">
        <button type="button" onClick={onProviders}>
          Providers…
        </button>
        <span className="muted small setting-help">The providers Keydeck knows; add any other from its manifest.</span>
      </div>
      <RemoveAllData onRemoved={onClose} />
      <div className="dialog-actions">
        {/* Focus starts here, not on "Remove all Keydeck data…", the dialog's first button. */}
        <button type="button" className="button-primary" onClick={onClose} data-autofocus>
          Done
        </button>
      </div>
    </Dialog>
  );
}
