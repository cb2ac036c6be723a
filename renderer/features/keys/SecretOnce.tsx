import { useState } from 'react';
import type { Input } from '../../../shared/contract.js';
import { api, unwrap } from '../../lib/api.js';
import { useAction } from '../../lib/use-action.js';

/**
 * A new key's secret, shown this once. Copy goes through the main process, which clears the
 * clipboard after 30 s if it still holds the key.
 */
export function SecretOnce({ secret, envVar, about }: { secret: string; envVar: string; about?: Input<'activity.reveal'> }) {
  const [revealed, setRevealed] = useState(false);
  const copy = useAction({ mutationFn: () => unwrap(api.clipboard.copySecret({ secret, about })) });
  const toggle = () => {
    // Revealing is logged (which key, never the key); hiding is not.
    if (!revealed && about) void api.activity.reveal(about);
    setRevealed((r) => !r);
  };
  return (
    <div className="secret-once">
      <p className="notice notice-warn">This is the only time the full key is shown. Copy it now, for example into <code>{envVar}</code>.</p>
      <div className="secret-row">
        <code className="secret" data-testid="new-secret" aria-label="New key" data-secret-reveal="">
          {revealed ? secret : `${secret.slice(0, secret.indexOf('_', 4) + 1)}${'•'.repeat(16)}${secret.slice(-4)}`}
        </code>
        <button type="button" className="button-quiet" onClick={toggle} aria-pressed={revealed}>
          {revealed ? 'Hide' : 'Reveal'}
        </button>
        <button type="button" className="button-primary" onClick={() => copy.run()} disabled={copy.busy}>
          Copy
        </button>
      </div>
      <p role="status" className="hint">
        {copy.isSuccess ? `Copied. The clipboard is cleared in ${Math.round(copy.data.clearsAfterMs / 1000)} s.` : copy.isError ? 'Could not copy; reveal the key and copy it by hand.' : ''}
      </p>
    </div>
  );
}
