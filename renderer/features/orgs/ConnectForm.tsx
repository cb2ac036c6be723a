import { useId, useState, type FormEvent } from 'react';
import type { Environment, Organization, ProviderId } from '../../../shared/domain.js';
import { EnvironmentChoice } from '../../components/EnvironmentChoice.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';
import { useAction } from '../../lib/use-action.js';
import { KeyInput, useKeyInspection } from './KeyInput.js';
import { useVaultStatus } from '../storage/VaultBanner.js';

/**
 * Connect an organization (first run, or "Add organization"), or connect the other environment of
 * an existing one. The provider is detected from the key; where it publishes no prefix (Legba) the
 * user says which provider and environment, and gives what its API needs. Keydeck verifies the key
 * with the provider before anything is stored.
 */
export function ConnectForm({
  existing,
  environment,
  onConnected,
}: {
  existing?: Organization;
  environment?: Environment;
  onConnected: (org: Organization, environment: Environment) => void;
}) {
  const info = useAppInfo();
  const sessionOnly = useVaultStatus().data?.mode === 'session';
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [chosenProvider, setChosenProvider] = useState<ProviderId | ''>('');
  const [chosenEnv, setChosenEnv] = useState<Environment>('live');
  const [providerOrgId, setProviderOrgId] = useState('');
  const [apiBaseUrl, setApiBaseUrl] = useState('');
  const [dashboardUrl, setDashboardUrl] = useState('');
  const ids = { name: useId(), provider: useId(), orgId: useId(), url: useId(), dash: useId() };

  const expectedProvider = existing?.provider ?? (chosenProvider || undefined);
  const prefixless = expectedProvider !== undefined && info.prefixless.includes(expectedProvider);
  const expectedEnv = environment ?? (prefixless ? chosenEnv : undefined);
  const inspection = useKeyInspection(key, { provider: expectedProvider, environment: expectedEnv });
  const detected = inspection?.ok ? info.provider(inspection.provider) : undefined;
  const undetected = !existing && inspection && !inspection.ok && inspection.problem.kind === 'unknown-prefix';
  const needsOrgId = !existing && detected?.providerOrgField;
  const needsHost =
    !existing && detected && !detected.defaultApiBaseUrl && !info.sandboxProviders.includes(detected.id);
  const orgIdValid = !needsOrgId || new RegExp(needsOrgId.pattern).test(providerOrgId.trim());
  const ready = inspection?.ok === true && orgIdValid && (!needsHost || apiBaseUrl.trim() !== '');

  const connect = useAction({
    mutationFn: () =>
      existing && environment
        ? unwrap(api.orgs.connectEnvironment({ orgId: existing.id, key, environment }))
        : unwrap(
            api.orgs.connect({
              key,
              name: name.trim() || undefined,
              provider: prefixless ? expectedProvider : undefined,
              environment: prefixless ? chosenEnv : undefined,
              providerOrgId: needsOrgId ? providerOrgId.trim() : undefined,
              apiBaseUrl: apiBaseUrl.trim() || undefined,
              dashboardUrl: dashboardUrl.trim() || undefined,
            }),
          ),
    changes: existing && environment ? 'orgs.connectEnvironment' : 'orgs.connect',
    onSuccess: (value) => {
      setKey('');
      onConnected(value.organization, value.credential.environment);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (ready) connect.run();
  };
  return (
    <form
      className="connect-form"
      onSubmit={submit}
      aria-label={existing ? `Connect ${environment} key` : 'Connect an organization'}
    >
      <KeyInput
        value={key}
        onChange={setKey}
        inspection={inspection}
        provider={expectedProvider}
        label={existing ? 'API key' : 'Admin API key'}
      />
      {(undetected || (prefixless && !existing)) && (
        <fieldset className="field">
          <legend>Keydeck cannot tell whose key this is</legend>
          <label htmlFor={ids.provider}>Provider</label>
          <select
            id={ids.provider}
            value={chosenProvider}
            onChange={(e) => setChosenProvider(e.target.value as ProviderId | '')}
          >
            <option value="">Choose…</option>
            {info.prefixless.map((p) => (
              <option key={p} value={p}>
                {info.names[p]} ({info.provider(p).custom ? 'added from a manifest; ' : ''}publishes no key prefix)
              </option>
            ))}
          </select>
          {prefixless && <EnvironmentChoice value={chosenEnv} onChange={setChosenEnv} />}
        </fieldset>
      )}
      {needsOrgId && (
        <div className="field">
          <label htmlFor={ids.orgId}>{needsOrgId.label}</label>
          <input
            id={ids.orgId}
            value={providerOrgId}
            onChange={(e) => setProviderOrgId(e.target.value)}
            placeholder={needsOrgId.example}
            aria-describedby={`${ids.orgId}-help`}
            aria-invalid={providerOrgId !== '' && !orgIdValid}
          />
          <p id={`${ids.orgId}-help`} className="hint">
            {needsOrgId.help}
          </p>
        </div>
      )}
      {needsHost && (
        <>
          <div className="field">
            <label htmlFor={ids.url}>API host (https)</label>
            <input
              id={ids.url}
              value={apiBaseUrl}
              onChange={(e) => setApiBaseUrl(e.target.value)}
              placeholder={`https://api.your-${detected.id}-host.example`}
              inputMode="url"
            />
          </div>
          <div className="field">
            <label htmlFor={ids.dash}>Dashboard URL (optional, https)</label>
            <input
              id={ids.dash}
              value={dashboardUrl}
              onChange={(e) => setDashboardUrl(e.target.value)}
              placeholder="https://…"
              inputMode="url"
            />
          </div>
        </>
      )}
      {!existing && (
        <>
          <div className="field">
            <label htmlFor={ids.name}>Organization name (optional)</label>
            <input
              id={ids.name}
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={200}
              placeholder="e.g. Acme production"
            />
          </div>
          {!needsHost && (
            <details className="advanced">
              <summary>Advanced: API URL</summary>
              <div className="field">
                <label htmlFor={ids.url}>API base URL (leave empty for the provider’s own)</label>
                <input
                  id={ids.url}
                  value={apiBaseUrl}
                  onChange={(e) => setApiBaseUrl(e.target.value)}
                  placeholder={detected?.defaultApiBaseUrl || 'https://…'}
                  inputMode="url"
                />
              </div>
              <div className="field">
                <label htmlFor={ids.dash}>Dashboard URL (leave empty for the provider’s own)</label>
                <input
                  id={ids.dash}
                  value={dashboardUrl}
                  onChange={(e) => setDashboardUrl(e.target.value)}
                  placeholder={detected?.dashboardUrl || 'https://…'}
                  inputMode="url"
                />
              </div>
            </details>
          )}
        </>
      )}
      {connect.isError && <ErrorNotice error={connect.error} title="Not connected. Nothing was stored." />}
      <button type="submit" className="button-primary" disabled={!ready || connect.busy}>
        {connect.busy ? 'Verifying with the provider…' : 'Verify and connect'}
      </button>
      <p className="fine-print">
        {sessionOnly
          ? 'Session-only mode: the key is checked with the provider, then held in memory until you quit. It never touches a file. Test keys only.'
          : 'The key is checked with the provider, then stored in your OS keychain. It never touches a file.'}
      </p>
    </form>
  );
}
