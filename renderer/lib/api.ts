import { buildApi, type KeydeckApi } from '../../shared/api.js';
import type { KeydeckError, Result } from '../../shared/errors.js';
import { previewInvoke, takePreviewToken } from './preview-client.js';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in the preview host. */
    keydeck?: KeydeckApi;
  }
}

function missingTransport(): KeydeckApi {
  return buildApi(async () => ({
    ok: false,
    error: {
      code: 'FORBIDDEN_SENDER',
      message: 'Open Keydeck with the link `npm run preview` or `npm run demo` printed (it carries the access token).',
    },
  }));
}

/** `window.keydeck` in the app; the preview host's WebSocket in a browser. Same API either way. */
export const api: KeydeckApi =
  window.keydeck ??
  (() => {
    const token = takePreviewToken();
    return token ? buildApi(previewInvoke(token)) : missingTransport();
  })();

/** An error value as something TanStack Query can carry. */
export class ApiError extends Error {
  constructor(readonly error: KeydeckError) {
    super(error.message);
  }
}

/** Unwraps a result for a query or mutation: the value, or an ApiError holding the typed error. */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}
