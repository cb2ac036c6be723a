// Long on purpose: one wizard over the journal; its parts (Stepper, DeployPanel, the dialogs) are their own components.
import { useIsMutating } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import type { Organization, ProviderInfo } from '../../../shared/domain.js';
import type { RotationAction, RotationView } from '../../../shared/rotation.js';
import { Dialog } from '../../components/Dialog.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { useAppInfo } from '../../lib/app-info.js';
import { formatDateTime } from '../../lib/format.js';
import { DashboardLink } from '../../components/DashboardLink.js';
import { DashboardSteps } from '../../components/DashboardSteps.js';
import { KeyInput, useKeyInspection } from '../orgs/KeyInput.js';
import { DeployPanel } from './DeployPanel.js';
import { CancelRotationDialog } from './CancelRotationDialog.js';
import { Stepper } from './Stepper.js';
import { useRotationAct } from './use-rotation-act.js';
import { STEP_WORDS, rotationActKey } from './words.js';
import { useCall } from '../../lib/calls.js';

/**
 * The rotation wizard: the steps and their state, what Keydeck did, what the person must do now,
 * and what to do when a step fails. Everything it shows comes from the journal in the core.
 */
export function RotationWizard({
  rotationId,
  org,
  onClose,
}: {
  rotationId: string;
  org: Organization;
  onClose: () => void;
}) {
  const provider = useAppInfo().provider(org.provider);
  const rotation = useCall('rotation.get', { rotationId });
  const act = useRotationAct(rotationId);
  // The unfinished-rotations banner acts on this rotation too (Resume): wait for it as for our own.
  const elsewhere = useIsMutating({ mutationKey: rotationActKey(rotationId) });
  const busy = act.busy || elsewhere > 0;
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>();
  const r = rotation.data;
  const watching = r?.step === 'confirmUse' && r.recommendation !== undefined;
  // Where the provider reports last use, look again every 15 s while the person is on this step.
  // A look that finds another action still running (the one that reached this step) comes back shortly.
  useEffect(() => {
    if (!watching) return;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      clearTimeout(retry);
      if (!act.run({ kind: 'refreshUsage' })) retry = setTimeout(poll, 500);
    };
    poll();
    const timer = setInterval(poll, 15_000);
    return () => {
      clearInterval(timer);
      clearTimeout(retry);
    };
  }, [watching]); // eslint-disable-line react-hooks/exhaustive-deps

  const title = r
    ? `Rotate “${r.old.label}” (${r.environment === 'live' ? 'LIVE' : 'test'}) in ${r.orgName}`
    : 'Rotation';
  const cancel = () => {
    setCancelError(undefined);
    act.run({ kind: 'cancel' }, { onSuccess: () => setConfirmingCancel(false), onError: setCancelError });
  };
  return (
    <>
      <Dialog title={title} onClose={onClose}>
        {rotation.isError && <ErrorNotice error={rotation.error} title="Could not load the rotation" />}
        {r && (
          <div className="wizard">
            <Stepper rotation={r} />
            <section className="wizard-body" aria-live="polite">
              {r.status === 'done' && (
                <p className="notice notice-ok" role="status">
                  Done. Keydeck now holds the new key (…{r.newKey.last4}); the old key (…{r.old.last4}) is revoked,
                  refused by {provider.displayName}, and deleted from your keychain.
                </p>
              )}
              {(r.status === 'cancelled' || (r.step === 'cancelling' && r.restoreResults)) && (
                <CancelledReport rotation={r} />
              )}
              {r.status === 'failed' && r.error && (
                <ErrorNotice
                  error={r.error}
                  title={`Keydeck stopped while ${STEP_WORDS[r.step]}. Nothing was lost; retry${r.canCancel && r.step !== 'cancelling' ? ', or cancel the rotation' : ''}.`}
                />
              )}
              {r.status === 'needs-user' && r.waitingFor && <p className="waiting-for">{r.waitingFor}</p>}
              {r.status === 'needs-user' && (
                <StepPanel rotation={r} org={org} provider={provider} busy={busy} act={(a) => act.run(a)} />
              )}
              {act.isError && <ErrorNotice error={act.error} title="That did not work" />}
              {busy && <p role="status">Working…</p>}
            </section>
            <details className="wizard-history">
              <summary>What Keydeck did ({r.history.length})</summary>
              <ol>
                {r.history.map((h) => (
                  <li key={`${h.at}-${h.event}`}>
                    <time dateTime={h.at}>{formatDateTime(h.at)}</time> {h.event}
                  </li>
                ))}
              </ol>
            </details>
            <div className="dialog-actions">
              {r.status === 'failed' && (
                <button
                  type="button"
                  className="button-primary"
                  onClick={() => act.run({ kind: 'resume' })}
                  disabled={busy}
                >
                  Retry
                </button>
              )}
              {r.canCancel && r.step !== 'cancelling' && (
                <button
                  type="button"
                  className="button-quiet"
                  onClick={() => {
                    setCancelError(undefined);
                    setConfirmingCancel(true);
                  }}
                  disabled={busy || confirmingCancel}
                >
                  Cancel rotation…
                </button>
              )}
              <button type="button" className="button-quiet" onClick={onClose}>
                {r.status === 'done' || r.status === 'cancelled' ? 'Close' : 'Close (resume later)'}
              </button>
            </div>
          </div>
        )}
      </Dialog>
      {r && confirmingCancel && r.canCancel && (
        <CancelRotationDialog
          rotation={r}
          busy={busy}
          error={cancelError}
          onConfirm={cancel}
          onBack={() => setConfirmingCancel(false)}
        />
      )}
    </>
  );
}

/** After a cancel: the old key is current, and exactly what was put back and what could not be. */
function CancelledReport({ rotation: r }: { rotation: RotationView }) {
  const restored = (r.restoreResults ?? []).filter((x) => x.ok);
  const failed = (r.restoreResults ?? []).filter((x) => !x.ok);
  const newKeyExisted = Boolean(r.newKey.storedAt || r.newKey.providerKeyId);
  return (
    <div data-testid="cancel-report">
      {r.status === 'cancelled' && (
        <p className="notice" role="status">
          Cancelled. The old key (…{r.old.last4}) is still current
          {newKeyExisted
            ? `; the new key${r.newKey.last4 ? ` (…${r.newKey.last4})` : ''} is revoked and forgotten`
            : ''}
          .
        </p>
      )}
      {restored.length > 0 && (
        <>
          <p>What Keydeck put back:</p>
          <ul className="restore-results" aria-label="Restored">
            {restored.map((x) => (
              <li key={`${x.target}-${x.message}`} className="hint-ok">
                ✓ {x.message}
              </li>
            ))}
          </ul>
        </>
      )}
      {failed.length > 0 && (
        <div className="notice notice-warn" role="alert">
          <strong className="notice-title">Keydeck could not put everything back</strong>
          <ul className="restore-results" aria-label="Not restored">
            {failed.map((x) => (
              <li key={`${x.target}-${x.message}`}>
                <strong>{x.target}</strong>: {x.message}
              </li>
            ))}
          </ul>
          <p>Check these yourself: they may still hold the new key, which no longer works.</p>
        </div>
      )}
    </div>
  );
}

/** A quiet window in words: "45 min", "2 h", "1 h 30 min", "3 days". */
export function minutesInWords(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** What the person does at this step. */
function StepPanel({
  rotation: r,
  org,
  provider,
  busy,
  act,
}: {
  rotation: RotationView;
  org: Organization;
  provider: ProviderInfo;
  busy: boolean;
  act: (a: RotationAction) => void;
}) {
  const providerName = provider.displayName;
  const [key, setKey] = useState('');
  const [override, setOverride] = useState(false);
  const [confirmed, setConfirmed] = useState(false);
  const ids = { override: useId(), confirmed: useId(), window: useId() };
  const inspection = useKeyInspection(key, { provider: org.provider, environment: r.environment });
  switch (r.step) {
    case 'create':
      return (
        <div>
          <DashboardSteps steps={provider.dashboardSteps.create} providerName={providerName} name={r.newKey.name} />
          <DashboardLink org={org} providerName={providerName} />
          <KeyInput value={key} onChange={setKey} inspection={inspection} provider={org.provider} label="The new key" />
          <button
            type="button"
            className="button-primary"
            disabled={!inspection?.ok || busy}
            onClick={() => act({ kind: 'pasteNew', key })}
          >
            Store and verify
          </button>
        </div>
      );
    case 'deploy':
      return (
        <DeployPanel
          rotation={r}
          busy={busy}
          onDeploy={(targets) => act({ kind: 'deploy', targets })}
          onDeployed={() => act({ kind: 'deployed' })}
        />
      );
    case 'confirmUse':
      return (
        <div>
          {r.recommendation && (
            <h3 className="quiet-heading">
              {r.quietWindowMinutes === 0
                ? 'Revoke once the new key is in use (no quiet window)'
                : `Revoke once the old key has been quiet for ${minutesInWords(r.quietWindowMinutes)}`}
            </h3>
          )}
          {r.recommendation && (
            <dl className="usage">
              <dt>New key first used</dt>
              <dd>{r.usage.newFirstUseAt ? formatDateTime(r.usage.newFirstUseAt) : 'not yet'}</dd>
              <dt>Old key last used</dt>
              <dd>
                {r.usage.oldLastUseAt ? formatDateTime(r.usage.oldLastUseAt) : 'not since Keydeck started watching'}
              </dd>
              <dt>
                <label htmlFor={ids.window}>Quiet window (minutes)</label>
              </dt>
              <dd>
                <input
                  key={r.quietWindowMinutes}
                  id={ids.window}
                  type="number"
                  min={0}
                  max={43200}
                  defaultValue={r.quietWindowMinutes}
                  onBlur={(e) =>
                    act({ kind: 'setQuietWindow', minutes: Math.max(0, Math.round(Number(e.target.value) || 0)) })
                  }
                  className="input-small"
                />
              </dd>
            </dl>
          )}
          {r.recommendation && (
            <p className={r.recommendation.ready ? 'hint hint-ok' : 'hint'}>{r.recommendation.reason}</p>
          )}
          {r.recommendation && !r.recommendation.ready && (
            <div className="field-inline">
              <input
                id={ids.override}
                type="checkbox"
                checked={override}
                onChange={(e) => setOverride(e.target.checked)}
              />
              <label htmlFor={ids.override}>Revoke anyway: I confirm nothing uses the old key any more</label>
            </div>
          )}
          {!r.recommendation && (
            <div className="field-inline">
              <input
                id={ids.confirmed}
                type="checkbox"
                checked={confirmed}
                onChange={(e) => setConfirmed(e.target.checked)}
              />
              <label htmlFor={ids.confirmed}>Everything that used the old key now uses the new one</label>
            </div>
          )}
          <button
            type="button"
            className="button-danger"
            disabled={busy || (r.recommendation ? !r.recommendation.ready && !override : !confirmed)}
            onClick={() =>
              act({ kind: 'confirmUse', override: Boolean(r.recommendation && !r.recommendation.ready && override) })
            }
          >
            Revoke the old key
          </button>
        </div>
      );
    case 'revoke':
    case 'confirmRevoked':
    case 'cancelling':
      return (
        <div>
          <DashboardSteps steps={provider.dashboardSteps.revoke} providerName={providerName} />
          <DashboardLink org={org} providerName={providerName} />
          <button
            type="button"
            className="button-danger"
            disabled={busy}
            onClick={() => act({ kind: 'revokedInDashboard' })}
          >
            I revoked it: check
          </button>
        </div>
      );
    default:
      return null;
  }
}
