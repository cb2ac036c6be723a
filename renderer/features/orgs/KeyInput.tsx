import { useId, useMemo, useState } from 'react';
import type { Environment, ProviderId } from '../../../shared/domain.js';
import { inspectKey, type KeyInspection } from '../../../shared/keys.js';
import { useAppInfo } from '../../lib/app-info.js';

export interface KeyExpectation {
  provider?: ProviderId;
  environment?: Environment;
}

/** Inspects a pasted key against what the slot expects; shared by the field and its form. */
export function useKeyInspection(value: string, expected: KeyExpectation = {}): KeyInspection | undefined {
  const { names, formats } = useAppInfo();
  return useMemo(() => {
    if (!value) return undefined;
    const inspected = inspectKey(value, expected, names, formats);
    if (inspected.ok && expected.environment && inspected.environment !== expected.environment) {
      return {
        ok: false,
        problem: { kind: 'unknown-prefix' },
        message: `This is a ${inspected.environment} key; this slot needs a ${expected.environment} key.`,
      };
    }
    return inspected;
  }, [value, expected.provider, expected.environment, names, formats]); // eslint-disable-line react-hooks/exhaustive-deps
}

/**
 * A key field that says, as you paste, which provider and environment the key belongs to, or
 * exactly what is wrong with it. The key is masked unless the user chooses to show it.
 */
export function KeyInput({
  value,
  onChange,
  inspection,
  label = 'API key',
  provider,
}: {
  value: string;
  onChange: (v: string) => void;
  inspection: KeyInspection | undefined;
  label?: string;
  /** The provider this field is for, when known: a prefixless one (Legba) is not promised detection. */
  provider?: ProviderId;
}) {
  const { names, prefixless } = useAppInfo();
  const id = useId();
  const hintId = useId();
  const [shown, setShown] = useState(false);
  let hint = !provider
    ? `Paste the key. Keydeck detects the provider and environment from its prefix; ${prefixless.map((p) => names[p] ?? p).join(', ')} ${prefixless.length === 1 ? 'publishes' : 'publish'} none, so for such a key choose the provider yourself.`
    : prefixless.includes(provider)
      ? `Paste the key. ${names[provider] ?? provider} publishes no key format, so Keydeck cannot detect anything from the key: it takes it as a ${names[provider] ?? provider} key for the environment shown here.`
      : `Paste the key. Keydeck checks its prefix (${names[provider] ?? provider} keys say their environment in it).`;
  let tone: 'ok' | 'error' | 'neutral' = 'neutral';
  if (inspection && !inspection.ok) {
    hint = inspection.message;
    tone = 'error';
  } else if (inspection?.ok) {
    const env = inspection.environment === 'live' ? 'LIVE (real data, billable)' : 'test';
    hint = `${names[inspection.provider] ?? inspection.provider} · ${env} · ${inspection.masked}`;
    tone = 'ok';
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="key-input">
        <input
          id={id}
          type={shown ? 'text' : 'password'}
          autoComplete="off"
          spellCheck={false}
          // Where the person types or pastes a key: the only input that may hold one (secret-hygiene checks rely on it).
          data-secret-input=""
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={hintId}
          aria-invalid={tone === 'error'}
        />
        <button type="button" className="button-quiet" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      <p id={hintId} className={`hint hint-${tone}`} data-testid="key-hint">
        {hint}
      </p>
    </div>
  );
}
