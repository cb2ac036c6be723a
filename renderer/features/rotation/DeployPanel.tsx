import { useId, useState } from 'react';
import { api, unwrap } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';
import { useAction } from '../../lib/use-action.js';
import type { DeployTarget, RotationView } from '../../../shared/rotation.js';

/**
 * Where the new key goes: clipboard, a .env file, or "I deployed it myself" (several at once). Remembered per key.
 *
 * The clipboard target is the main process writing the system clipboard, so it exists in the app only.
 * In the browser preview the core's clipboard is not the person's, and the wizard never sends the new
 * key to the page (so the page cannot copy it either): the panel says so instead of offering a copy
 * that would go nowhere.
 */
export function DeployPanel({
  rotation,
  busy,
  onDeploy,
  onDeployed,
}: {
  rotation: RotationView;
  busy: boolean;
  onDeploy: (targets: DeployTarget[]) => void;
  onDeployed: () => void;
}) {
  const canClipboard = useAppInfo().transport === 'electron';
  const remembered = rotation.rememberedTargets;
  const rememberedEnv = remembered.find((t): t is Extract<DeployTarget, { kind: 'envFile' }> => t.kind === 'envFile');
  const [clipboard, setClipboard] = useState(
    canClipboard && (remembered.length === 0 || remembered.some((t) => t.kind === 'clipboard')),
  );
  const [envFile, setEnvFile] = useState(Boolean(rememberedEnv));
  const [manual, setManual] = useState(remembered.some((t) => t.kind === 'manual'));
  const [path, setPath] = useState(rememberedEnv?.path ?? '');
  const [variable, setVariable] = useState(rememberedEnv?.variable ?? rotation.envVar);
  const ids = { clip: useId(), env: useId(), manual: useId(), path: useId(), variable: useId() };
  const targets: DeployTarget[] = [
    ...(clipboard && canClipboard ? [{ kind: 'clipboard' as const }] : []),
    ...(envFile ? [{ kind: 'envFile' as const, path: path.trim(), variable: variable.trim() }] : []),
    ...(manual ? [{ kind: 'manual' as const }] : []),
  ];
  const valid =
    targets.length > 0 &&
    (!envFile || (path.trim().startsWith('/') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(variable.trim())));
  const deployedOnce = rotation.deployResults.some((d) => d.ok);
  const pick = useAction({
    mutationFn: () => unwrap(api.deploy.pickEnvFile({ suggestedName: '.env' })),
    onSuccess: (picked) => {
      if (picked.path) setPath(picked.path);
    },
  });
  return (
    <div className="deploy-panel">
      <fieldset>
        <legend>Send the new key to</legend>
        {canClipboard ? (
          <div className="field-inline">
            <input id={ids.clip} type="checkbox" checked={clipboard} onChange={(e) => setClipboard(e.target.checked)} />
            <label htmlFor={ids.clip}>The clipboard (cleared after 30 s if it still holds the key)</label>
          </div>
        ) : (
          <p className="hint" data-testid="no-clipboard-target">
            No clipboard here: in the browser preview Keydeck’s server cannot reach your clipboard, and the wizard never
            sends the new key to this page. Use a .env file, or deploy it yourself; the desktop app can also copy it for
            you.
          </p>
        )}
        <div className="field-inline">
          <input id={ids.env} type="checkbox" checked={envFile} onChange={(e) => setEnvFile(e.target.checked)} />
          <label htmlFor={ids.env}>A .env file</label>
        </div>
        {envFile && (
          <div className="env-target">
            <div className="field">
              <label htmlFor={ids.path}>File (full path)</label>
              <div className="key-input">
                <input
                  id={ids.path}
                  value={path}
                  onChange={(e) => setPath(e.target.value)}
                  placeholder="/home/me/project/.env"
                  spellCheck={false}
                />
                {pick.data?.supported !== false && (
                  <button type="button" className="button-quiet" onClick={() => pick.run()} disabled={pick.busy}>
                    Choose…
                  </button>
                )}
              </div>
              {pick.data?.supported === false && (
                <p className="hint">This window cannot open a file dialog: type the path.</p>
              )}
              {pick.isError && <p className="hint hint-error">{pick.error.message}</p>}
            </div>
            <div className="field">
              <label htmlFor={ids.variable}>Variable</label>
              <input
                id={ids.variable}
                value={variable}
                onChange={(e) => setVariable(e.target.value)}
                spellCheck={false}
              />
            </div>
          </div>
        )}
        <div className="field-inline">
          <input id={ids.manual} type="checkbox" checked={manual} onChange={(e) => setManual(e.target.checked)} />
          <label htmlFor={ids.manual}>I deploy it myself</label>
        </div>
      </fieldset>
      <button type="button" className="button-primary" disabled={!valid || busy} onClick={() => onDeploy(targets)}>
        Deploy
      </button>
      {rotation.deployResults.length > 0 && (
        <ul className="deploy-results" aria-label="Deploy results">
          {rotation.deployResults.slice(-6).map((d) => (
            <li key={`${d.at}-${d.target}`} className={d.ok ? 'hint-ok' : 'hint-error'}>
              {d.ok ? '✓' : '✗'} {d.target}: {d.message}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="button-primary" disabled={!deployedOnce || busy} onClick={onDeployed}>
          It is deployed everywhere: continue
        </button>
      </div>
    </div>
  );
}
