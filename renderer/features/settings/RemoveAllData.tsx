import { useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Input } from '../../../shared/contract.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';
import { announceRemoved } from '../../lib/data-removed.js';
import { clearSelection } from '../../lib/selection.js';
import { useAction } from '../../lib/use-action.js';

/** What the person types to confirm; the core checks the same phrase. */
const PHRASE: Input<'data.removeAll'>['confirm'] = 'remove everything';
const STILL_WORK = 'Your keys still work at the providers; revoke them there if you no longer need them.';

/**
 * Settings → danger zone: Remove all Keydeck data, behind a typed confirmation. Revokes nothing, and
 * says so before and after. On success the app shows the first-run screen with what was removed.
 */
export function RemoveAllData({ onRemoved }: { onRemoved: () => void }) {
  const info = useAppInfo();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const ids = { title: useId(), input: useId(), help: useId() };
  const remove = useAction({
    mutationFn: () => unwrap(api.data.removeAll({ confirm: PHRASE })),
    onSuccess: async (value) => {
      announceRemoved(value);
      onRemoved();
      await queryClient.invalidateQueries();
      // After the empty list is in: until then the window would remember the old selection again.
      clearSelection();
    },
  });
  const matches = typed.trim().toLowerCase() === PHRASE;
  return (
    <section className="danger-zone" aria-labelledby={ids.title}>
      <h3 id={ids.title}>Remove all Keydeck data</h3>
      <p className="small">
        Deletes every key Keydeck keeps in your keychain (service “{info.keychainService}”) and everything in its
        profile folder: organizations, rotation journals, remembered deploy targets, settings, the activity log, the
        key-list cache and the logs. Use it before uninstalling Keydeck, or to start over.
      </p>
      <p className="notice notice-warn">
        <strong>Nothing is revoked.</strong> {STILL_WORK}
      </p>
      {!open ? (
        <button type="button" className="button-danger-quiet" onClick={() => setOpen(true)}>
          Remove all Keydeck data…
        </button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (matches) remove.run();
          }}
        >
          <div className="field">
            <label htmlFor={ids.input}>
              Type <strong>{PHRASE}</strong> to confirm
            </label>
            <input
              id={ids.input}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-describedby={ids.help}
            />
            <p id={ids.help} className="hint">
              Refused while a rotation is unfinished (its new key would be left at the provider): finish or cancel it
              first.
            </p>
          </div>
          <div className="dialog-actions">
            <button
              type="button"
              className="button-quiet"
              onClick={() => {
                setOpen(false);
                setTyped('');
              }}
            >
              Keep my data
            </button>
            <button type="submit" className="button-danger" disabled={!matches || remove.busy}>
              {remove.busy ? 'Removing…' : 'Remove everything'}
            </button>
          </div>
        </form>
      )}
      {remove.isError && <ErrorNotice error={remove.error} title="Keydeck’s data was not removed" />}
    </section>
  );
}

/** The first-run screen's note after a removal: what went, what stays, and that nothing was revoked. */
export function RemovedNotice({
  removed,
  onDismiss,
}: {
  removed: {
    removedSecrets: number;
    removedOrganizations: number;
    keychainService: string;
    removedFiles: string[];
    kept: string[];
  };
  onDismiss: () => void;
}) {
  return (
    <div className="notice notice-ok" role="status" data-testid="data-removed">
      <strong className="notice-title">Keydeck removed all its data</strong>
      <p>
        {removed.removedSecrets} key{removed.removedSecrets === 1 ? '' : 's'} deleted from your keychain (service “
        {removed.keychainService}”), {removed.removedOrganizations} organization
        {removed.removedOrganizations === 1 ? '' : 's'} forgotten, {removed.removedFiles.length} file
        {removed.removedFiles.length === 1 ? '' : 's'} deleted from the profile folder.
      </p>
      <ul className="small">
        {removed.kept.map((k) => (
          <li key={k}>{k}</li>
        ))}
      </ul>
      <button type="button" className="button-quiet" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}
