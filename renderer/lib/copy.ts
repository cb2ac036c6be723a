import type { Input } from '../../shared/contract.js';
import { api, unwrap } from './api.js';

/** Which key a copy was about, for the activity log (public facts only). */
type About = Input<'activity.copied'>;

/** What a copy did, in words the person can trust. */
export interface Copied {
  /** The sentence to show: where Keydeck clears the clipboard, it says when; elsewhere, that it will not. */
  message: string;
}

/**
 * Copies a secret the person is looking at.
 * - In the app (`electron`), the main process writes the system clipboard and clears it after 30 s
 *   if it still holds the key (`clipboard.copySecret`, which also logs the copy).
 * - In the browser preview, the core's clipboard is not the person's: the page copies with the
 *   browser's clipboard API, on the person's click, and only the fact of the copy (which key, never
 *   the key) is logged (`activity.copied`). Nothing can clear a browser's clipboard later, so the
 *   message says so.
 */
export async function copySecret(transport: 'electron' | 'preview', secret: string, about?: About): Promise<Copied> {
  if (transport === 'electron') {
    const done = await unwrap(api.clipboard.copySecret({ secret, about }));
    return { message: `Copied. The clipboard is cleared in ${Math.round(done.clearsAfterMs / 1000)} s.` };
  }
  if (!navigator.clipboard?.writeText) throw new Error('This browser does not let the page use the clipboard.');
  await navigator.clipboard.writeText(secret);
  if (about) await unwrap(api.activity.copied(about)).catch(() => undefined);
  return { message: 'Copied. Clear your clipboard when you are done.' };
}
