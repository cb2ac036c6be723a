import { useId, useMemo, useState } from 'react';
import type { Environment } from '../../../shared/domain.js';
import { inspectKey } from '../../../shared/keys.js';

/**
 * A key field that says, as you paste, which provider and environment the key belongs to, or
 * exactly what is wrong with it. The key is masked unless the user chooses to show it.
 */
export function KeyInput({
  value,
  onChange,
  expected,
  providerNames,
}: {
  value: string;
  onChange: (v: string) => void;
  expected?: Environment;
  providerNames: Record<string, string>;
}) {
  const id = useId();
  const hintId = useId();
  const [shown, setShown] = useState(false);
  const inspection = useMemo(() => (value ? inspectKey(value) : undefined), [value]);
  let hint = 'Paste an admin key. Keydeck detects the provider and environment from its prefix.';
  let tone: 'ok' | 'error' | 'neutral' = 'neutral';
  if (inspection && !inspection.ok) {
    hint = inspection.message;
    tone = 'error';
  } else if (inspection?.ok) {
    const name = providerNames[inspection.provider] ?? inspection.provider;
    if (expected && inspection.environment !== expected) {
      hint = `This is a ${inspection.environment} key; this slot needs a ${expected} key.`;
      tone = 'error';
    } else {
      hint = `${name} · ${inspection.environment === 'live' ? 'LIVE (real data, billable)' : 'test'} · ${inspection.masked}`;
      tone = 'ok';
    }
  }
  return (
    <div className="field">
      <label htmlFor={id}>API key</label>
      <div className="key-input">
        <input
          id={id}
          type={shown ? 'text' : 'password'}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={hintId}
          aria-invalid={tone === 'error'}
          placeholder="lgh_live_…"
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

/** True when the pasted key is well-formed and of the expected environment. */
export function isAcceptableKey(value: string, expected?: Environment): boolean {
  const i = inspectKey(value);
  return i.ok && (!expected || i.environment === expected);
}
