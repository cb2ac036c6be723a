import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import type { Environment, Organization } from '../../../shared/domain.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { isAcceptableKey, KeyInput } from './KeyInput.js';

/**
 * Connect an organization (first run, or "Add organization"), or connect the other environment of
 * an existing one. Keydeck verifies the key with the provider before anything is stored.
 */
export function ConnectForm({
  providerNames,
  existing,
  environment,
  onConnected,
}: {
  providerNames: Record<string, string>;
  /** Set to connect another environment of this organization. */
  existing?: Organization;
  environment?: Environment;
  onConnected: (org: Organization, environment: Environment) => void;
}) {
  const queryClient = useQueryClient();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [apiBaseUrl, setApiBaseUrl] = useState('');
  const nameId = useId();
  const urlId = useId();
  const connect = useMutation({
    mutationFn: () =>
      existing && environment
        ? unwrap(api.orgs.connectEnvironment({ orgId: existing.id, key, environment }))
        : unwrap(api.orgs.connect({ key, name: name.trim() || undefined, apiBaseUrl: apiBaseUrl.trim() || undefined })),
    onSuccess: async (value) => {
      setKey('');
      await queryClient.invalidateQueries({ queryKey: ['orgs'] });
      onConnected(value.organization, value.credential.environment);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (isAcceptableKey(key, environment)) connect.mutate();
  };
  return (
    <form className="connect-form" onSubmit={submit} aria-label={existing ? `Connect ${environment} key` : 'Connect an organization'}>
      <KeyInput value={key} onChange={setKey} expected={environment} providerNames={providerNames} />
      {!existing && (
        <>
          <div className="field">
            <label htmlFor={nameId}>Organization name (optional)</label>
            <input id={nameId} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="e.g. Acme production" />
          </div>
          <details className="advanced">
            <summary>Advanced: API URL</summary>
            <div className="field">
              <label htmlFor={urlId}>API base URL (leave empty for the provider’s own)</label>
              <input id={urlId} value={apiBaseUrl} onChange={(e) => setApiBaseUrl(e.target.value)} placeholder="https://api.laghav.ai" inputMode="url" />
            </div>
          </details>
        </>
      )}
      {connect.isError && <ErrorNotice error={connect.error} title="Not connected. Nothing was stored." />}
      <button type="submit" className="button-primary" disabled={!isAcceptableKey(key, environment) || connect.isPending}>
        {connect.isPending ? 'Verifying with the provider…' : 'Verify and connect'}
      </button>
      <p className="fine-print">The key is checked with the provider, then stored in your OS keychain. It never touches a file.</p>
    </form>
  );
}
