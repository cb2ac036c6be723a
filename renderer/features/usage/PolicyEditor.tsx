import { useId, useState } from 'react';
import { DEFAULT_POLICY } from '../../../shared/plain.js';
import type { UsagePolicy } from '../../../shared/usage.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';

/** When this organization's keys count as due for rotation and as stale. */
export function PolicyEditor({ orgId, policy }: { orgId: string; policy?: UsagePolicy }) {
  const current = policy ?? DEFAULT_POLICY;
  const [rotate, setRotate] = useState(String(current.rotateAfterDays));
  const [stale, setStale] = useState(String(current.staleAfterDays));
  const ids = { rotate: useId(), stale: useId() };
  const save = useAction({
    mutationFn: (next: UsagePolicy) => unwrap(api.orgs.update({ orgId, policy: next })),
    changes: 'orgs.update',
    changesIn: { orgId },
  });
  const valid = (v: string) => /^\d{1,4}$/.test(v) && Number(v) >= 1 && Number(v) <= 3650;
  const changed = Number(rotate) !== current.rotateAfterDays || Number(stale) !== current.staleAfterDays;
  return (
    <form
      className="policy-editor"
      aria-label="Rotation policy"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid(rotate) && valid(stale)) save.run({ rotateAfterDays: Number(rotate), staleAfterDays: Number(stale) });
      }}
    >
      <label htmlFor={ids.rotate}>Due for rotation after</label>
      <input
        id={ids.rotate}
        inputMode="numeric"
        size={4}
        value={rotate}
        onChange={(e) => setRotate(e.target.value)}
        aria-invalid={!valid(rotate)}
      />{' '}
      days;
      <label htmlFor={ids.stale}>stale when unused for</label>
      <input
        id={ids.stale}
        inputMode="numeric"
        size={4}
        value={stale}
        onChange={(e) => setStale(e.target.value)}
        aria-invalid={!valid(stale)}
      />{' '}
      days
      <button
        type="submit"
        className="button-quiet"
        disabled={!changed || !valid(rotate) || !valid(stale) || save.busy}
      >
        Save policy
      </button>
      {(!valid(rotate) || !valid(stale)) && <span className="field-error">Whole days from 1 to 3650.</span>}
      {save.isSuccess && !changed && (
        <span className="muted small" role="status">
          Saved.
        </span>
      )}
      {save.isError && <ErrorNotice error={save.error} title="The policy was not saved" />}
    </form>
  );
}
