import { useState } from 'react';
import type { Input } from '../../../shared/contract.js';
import { detectFormat } from '../../../shared/keys.js';
import { api } from '../../lib/api.js';
import { useAppInfo } from '../../lib/app-info.js';
import { copySecret } from '../../lib/copy.js';
import { useAction } from '../../lib/use-action.js';

/**
 * A new key's secret, shown this once. In the app, Copy goes through the main process, which clears
 * the clipboard after 30 s if it still holds the key; in the browser preview the page copies it with
 * the browser's clipboard, which nothing clears later (see lib/copy.ts).
 */
export function SecretOnce({
  secret,
  envVar,
  about,
}: {
  secret: string;
  envVar: string;
  about?: Input<'activity.reveal'>;
}) {
  const [revealed, setRevealed] = useState(false);
  const { transport, formats } = useAppInfo();
  // The public prefix the provider publishes (an added provider's too), never a guess at where it ends.
  const prefix = detectFormat(secret, formats)?.prefix ?? '';
  const copy = useAction({ mutationFn: () => copySecret(transport, secret, about) });
  const toggle = () => {
    // Revealing is logged (which key, never the key); hiding is not.
    if (!revealed && about) void api.activity.reveal(about);
    setRevealed((r) => !r);
  };
  return (
    <div className="secret-once">
      <p className="notice notice-warn">
        This is the only time the full key is shown. Copy it now, for example into <code>{envVar}</code>.
      </p>
      <div className="secret-row">
        <code className="secret" data-testid="new-secret" aria-label="New key" data-secret-reveal="">
          {revealed ? secret : `${prefix}${'•'.repeat(16)}${secret.slice(-4)}`}
        </code>
        <button type="button" className="button-quiet" onClick={toggle} aria-pressed={revealed}>
          {revealed ? 'Hide' : 'Reveal'}
        </button>
        <button type="button" className="button-primary" onClick={() => copy.run()} disabled={copy.busy}>
          Copy
        </button>
      </div>
      <p role="status" className="hint">
        {copy.isSuccess ? copy.data.message : copy.isError ? 'Could not copy; reveal the key and copy it by hand.' : ''}
      </p>
    </div>
  );
}
