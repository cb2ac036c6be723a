import { useEffect, useId, useRef, useState } from 'react';
import type { Output } from '../../../shared/contract.js';
import type { Environment, ProviderInfo } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { EnvironmentChoice } from '../../components/EnvironmentChoice.js';
import { asKeydeckError, ErrorNotice } from '../../components/ErrorNotice.js';
import { send, useCall } from '../../lib/calls.js';
import { useAction } from '../../lib/use-action.js';

/**
 * The manifest being added, kept while the window lives: Escape or a click away closes the dialog, and
 * opening it again brings the text back (never the test key, which is not kept anywhere).
 */
let draft = '';

/** Largest manifest (the core says the same, and refuses more): bigger text is not sent to be checked. */
const MAX_MANIFEST_BYTES = 64 * 1024;

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function capabilityWords(info: ProviderInfo): string {
  const ops = ['list', 'create', 'revoke'] as const;
  const byApi = ops.filter((op) => info.capabilities[op] === 'api');
  const byHand = ops.filter((op) => info.capabilities[op] !== 'api');
  const words = (list: readonly string[]) =>
    list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list.at(-1)}`;
  const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
  if (byHand.length === 0) return 'List, create and revoke by API';
  if (byApi.length === 0) return 'Verify by API; keys managed in its dashboard';
  return sentence(`${words(byApi)} by API; ${words(byHand)} in its dashboard`);
}

/**
 * Settings → Providers: the providers Keydeck knows, and any other a person adds from its manifest
 * (a JSON file describing its key API; README "Add your own provider"): picked or pasted, checked
 * with every problem at its field, tried against the provider with a key, then added.
 */
export function ProvidersDialog({ onClose }: { onClose: () => void }) {
  const list = useCall('providers.list', {});
  const [adding, setAdding] = useState(false);
  const addButton = useRef<HTMLButtonElement>(null);
  // Back from the form (added or cancelled), focus returns to the button that opened it.
  const closeForm = () => {
    setAdding(false);
    setTimeout(() => addButton.current?.focus(), 0);
  };
  const remove = useAction({
    mutationFn: (id: string) => send('providers.remove', { id }),
    changes: 'providers.remove',
  });
  return (
    <Dialog title="Providers" onClose={onClose}>
      <p className="muted">
        Keydeck ships five providers. Add any other from its manifest: a JSON file that says how its key API works (see
        “Add your own provider” in Keydeck’s README). A manifest holds no key and runs no code.
      </p>
      {list.isError && <ErrorNotice error={list.error} title="Could not read the providers" />}
      {list.data && (
        <table className="key-table providers-table" aria-label="Providers">
          <thead>
            <tr>
              <th scope="col">Provider</th>
              <th scope="col">What Keydeck does by API</th>
              <th scope="col">Organizations</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.providers.map((p) => (
              <tr key={p.info.id}>
                <th scope="row">
                  {p.info.displayName}{' '}
                  <span className="muted small">
                    {p.builtIn ? 'built in' : `added ${p.addedAt?.slice(0, 10) ?? ''}`}
                  </span>
                </th>
                <td>{capabilityWords(p.info)}</td>
                <td>{p.organizations}</td>
                <td>
                  {!p.builtIn && p.organizations > 0 && (
                    <span className="muted small">In use: remove its organizations first</span>
                  )}
                  {!p.builtIn && p.organizations === 0 && (
                    <button
                      type="button"
                      className="button-quiet"
                      disabled={remove.busy}
                      onClick={() => remove.run(p.info.id)}
                      aria-label={`Remove ${p.info.displayName}`}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {remove.isError && <ErrorNotice error={remove.error} title="The provider was not removed" />}
      {adding ? (
        <AddProvider onAdded={closeForm} onCancel={closeForm} />
      ) : (
        <button type="button" ref={addButton} onClick={() => setAdding(true)}>
          Add a provider…
        </button>
      )}
      <div className="dialog-actions">
        <button type="button" className={adding ? 'button-quiet' : 'button-primary'} onClick={onClose} data-autofocus>
          Done
        </button>
      </div>
    </Dialog>
  );
}

type Checked = Output<'providers.check'>;
type Tested = Output<'providers.test'>;

/** Pick or paste a manifest; see it checked as you go; try it with a key; add it. */
function AddProvider({ onAdded, onCancel }: { onAdded: (info: ProviderInfo) => void; onCancel: () => void }) {
  const ids = { text: useId(), file: useId(), key: useId(), url: useId(), org: useId(), problems: useId() };
  const [text, setTextState] = useState(draft);
  const setText = (value: string) => {
    draft = value;
    setTextState(value);
  };
  const problemsBox = useRef<HTMLDivElement>(null);
  const [fileProblem, setFileProblem] = useState<string>();
  const [checked, setChecked] = useState<{ text: string; result: Checked }>();
  const [checkError, setCheckError] = useState<unknown>();
  const [key, setKey] = useState('');
  const [environment, setEnvironment] = useState<Environment>('live');
  const [apiBaseUrl, setApiBaseUrl] = useState('');
  const [providerOrgId, setProviderOrgId] = useState('');
  const [tested, setTested] = useState<Tested>();
  const fileInput = useRef<HTMLInputElement>(null);
  useEffect(() => fileInput.current?.focus(), []);
  const tooLarge = new TextEncoder().encode(text).length > MAX_MANIFEST_BYTES;

  // Checked as the person types or picks, a moment after the last change; an answer for older text is dropped.
  useEffect(() => {
    if (!text.trim() || tooLarge) return;
    let current = true;
    const timer = setTimeout(() => {
      send('providers.check', { text })
        .then((result) => current && (setChecked({ text, result }), setCheckError(undefined)))
        .catch((error: unknown) => current && setCheckError(error));
    }, 250);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [text, tooLarge]);

  const result = checked?.text === text && !tooLarge ? checked.result : undefined;
  const info = result?.info;
  const prefixless = info ? info.keyFormats.every((f) => f.prefix === '') : false;
  const needsHost = info ? !info.defaultApiBaseUrl : false;

  const test = useAction({
    mutationFn: () =>
      send('providers.test', {
        text,
        key,
        ...(prefixless ? { environment } : {}),
        ...(apiBaseUrl.trim() ? { apiBaseUrl: apiBaseUrl.trim() } : {}),
        ...(info?.providerOrgField && providerOrgId.trim() ? { providerOrgId: providerOrgId.trim() } : {}),
      }),
    onSuccess: (value) => setTested(value),
    onMutate: () => setTested(undefined),
  });
  const add = useAction({
    mutationFn: (replace: boolean) => send('providers.add', { text, replace }),
    changes: 'providers.add',
    onSuccess: (value) => {
      draft = '';
      onAdded(value.provider);
    },
  });
  const exists = add.isError && asKeydeckError(add.error).code === 'CONFLICT';

  const pick = async (file: File | undefined) => {
    setFileProblem(undefined);
    if (!file) return;
    if (file.size > MAX_MANIFEST_BYTES) {
      // Nothing from before stays addable under a file that was refused.
      setText('');
      return setFileProblem(
        `${file.name} is ${Math.round(file.size / 1024).toLocaleString('en-US')} KB; a manifest is at most 64 KB.`,
      );
    }
    setText(await file.text());
    // The verdict is below the text box: bring it into view for a picked file.
    setTimeout(() => problemsBox.current?.scrollIntoView({ block: 'nearest' }), 400);
  };

  return (
    <section className="add-provider" aria-label="Add a provider">
      <h3>Add a provider</h3>
      <div className="field">
        <label htmlFor={ids.file}>Manifest file (.json)</label>
        <input
          id={ids.file}
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          onChange={(e) => void pick(e.target.files?.[0])}
        />
        {fileProblem && <p className="hint hint-error">{fileProblem}</p>}
      </div>
      <div className="field">
        <label htmlFor={ids.text}>Or paste the manifest</label>
        <textarea
          id={ids.text}
          className="manifest-text"
          value={text}
          onChange={(e) => {
            setFileProblem(undefined);
            setText(e.target.value);
          }}
          rows={10}
          spellCheck={false}
          aria-describedby={ids.problems}
          aria-invalid={result ? result.problems.length > 0 : undefined}
          placeholder='{ "manifestVersion": 1, "id": "acme", … }'
        />
      </div>
      <div id={ids.problems} role="status" ref={problemsBox}>
        {tooLarge && (
          <p className="hint hint-error">
            This is {Math.round(new TextEncoder().encode(text).length / 1024).toLocaleString('en-US')} KB; a manifest is
            at most 64 KB.
          </p>
        )}
        {checkError !== undefined && !tooLarge && (
          <ErrorNotice error={checkError} title="Could not check the manifest" />
        )}
        {result && result.problems.length > 0 && (
          <div className="notice notice-error">
            <p>
              The manifest has {result.problems.length} problem{result.problems.length > 1 ? 's' : ''}:
            </p>
            <ul aria-label="Problems in the manifest">
              {result.problems.map((p, i) => (
                <li key={i}>
                  <code>{p.path || '(the file)'}</code>: {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {info && (
          <p className="hint hint-ok">
            Valid: <strong>{info.displayName}</strong> ({info.id}). {capabilityWords(info)}.{' '}
            {prefixless
              ? 'It publishes no key prefix.'
              : `Its keys start with ${[...new Set(info.keyFormats.map((f) => f.prefix))].join(' or ')}.`}{' '}
            {info.defaultApiBaseUrl
              ? `Keys are sent to ${info.defaultApiBaseUrl}.`
              : 'No fixed API host: each organization gives one.'}{' '}
            {info.dashboardUrl ? `Dashboard links open ${hostOf(info.dashboardUrl)}.` : ''}
          </p>
        )}
      </div>
      {info && result?.replaces && (
        <div className="notice notice-warn" role="note" aria-label="What replacing changes">
          <p>
            This replaces the added {info.displayName}
            {result.replaces.organizations.length
              ? `, used by ${result.replaces.organizations.join(', ')}`
              : ', which no organization uses yet'}
            .{' '}
            {result.replaces.changes.length
              ? 'From then on:'
              : 'Where its keys and dashboard links go does not change.'}
          </p>
          {result.replaces.changes.length > 0 && (
            <ul>
              {result.replaces.changes.map((change, i) => (
                <li key={i}>{change}</li>
              ))}
            </ul>
          )}
        </div>
      )}

      {info && (
        <fieldset className="field test-provider">
          <legend>Test with a key (optional)</legend>
          <p className="muted small">
            Keydeck makes the manifest’s verify call, then its list call, and shows what it called, what it got and
            which rule decided. The key is used for these calls only: it is not stored.
          </p>
          <label htmlFor={ids.key}>API key</label>
          <input
            id={ids.key}
            type="password"
            data-secret-input=""
            autoComplete="off"
            spellCheck={false}
            value={key}
            onChange={(e) => setKey(e.target.value)}
          />
          {prefixless && <EnvironmentChoice value={environment} onChange={setEnvironment} />}
          <label htmlFor={ids.url}>
            {needsHost ? 'API host (https)' : 'API base URL (leave empty for the manifest’s)'}
          </label>
          <input
            id={ids.url}
            value={apiBaseUrl}
            onChange={(e) => setApiBaseUrl(e.target.value)}
            placeholder={info.defaultApiBaseUrl || 'https://…'}
            inputMode="url"
          />
          {info.providerOrgField && (
            <>
              <label htmlFor={ids.org}>{info.providerOrgField.label}</label>
              <input
                id={ids.org}
                value={providerOrgId}
                onChange={(e) => setProviderOrgId(e.target.value)}
                placeholder={info.providerOrgField.example}
              />
            </>
          )}
          <button
            type="button"

            disabled={!key.trim() || test.busy || (needsHost && !apiBaseUrl.trim())}
            onClick={() => test.run()}
          >
            {test.busy ? 'Testing…' : 'Test with this key'}
          </button>
          {test.isError && <ErrorNotice error={test.error} title="Not tested" />}
          {tested && <TestReport tested={tested} />}
        </fieldset>
      )}

      {add.isError && !exists && <ErrorNotice error={add.error} title="The provider was not added" />}
      {exists && (
        <div className="notice">
          <p>{asKeydeckError(add.error).message}</p>
          <button type="button" disabled={add.busy} onClick={() => add.run(true)}>
            Replace the added provider with this manifest
          </button>
        </div>
      )}
      <div className="dialog-actions">
        <button
          type="button"
          className="button-quiet"
          onClick={() => {
            draft = '';
            onCancel();
          }}
        >
          Cancel
        </button>
        <button
          type="button"
          className="button-primary"
          disabled={!info || add.busy}
          onClick={() => add.run(!!result?.replaces)}
        >
          {add.busy ? 'Adding…' : result?.replaces ? `Replace ${info?.displayName ?? 'provider'}` : 'Add provider'}
        </button>
      </div>
    </section>
  );
}

/** What the test called, what it got, which rule decided: one block per call. */
function TestReport({ tested }: { tested: Tested }) {
  return (
    <div className={`notice ${tested.ok ? 'notice-ok' : 'notice-error'}`} aria-label="Test result">
      <p role="status">
        <strong>{tested.ok ? 'Works.' : 'Failed.'}</strong> {tested.summary}
      </p>
      <ol className="test-calls">
        {tested.calls.map((c, i) => (
          <li key={i}>
            <p>
              <strong>{c.call}</strong>: <code>{c.method ? `${c.method} ${c.url}` : '(not sent)'}</code>
              {c.method && (
                <>
                  {' '}
                  with <code>{c.auth}</code>
                </>
              )}
            </p>
            {c.status !== undefined && (
              <p>
                Got HTTP {c.status}
                {c.contentType ? ` (${c.contentType.split(';')[0]})` : ''}.
              </p>
            )}
            {c.rules.length > 0 && (
              <ul aria-label={`Rules for ${c.call}`}>
                {c.rules.map((r, j) => (
                  <li key={j}>{r}</li>
                ))}
              </ul>
            )}
            <p>→ {c.outcome}</p>
            {c.body && (
              <details>
                <summary>The answer (key masked)</summary>
                <pre className="test-body">{c.body}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}
