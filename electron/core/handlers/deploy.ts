import type { Output, ParsedInput } from '../../../shared/contract.js';
import { fail } from '../../../shared/errors.js';
import type { CoreContext } from '../context.js';
import type { HandlersOf } from '../dispatch.js';
import { isEnvFileName } from '../rotation/env-file.js';

/** Deploy targets: the native file picker for a .env file (the app only; the preview host has none). */
export function deployHandlers(c: CoreContext): HandlersOf<'deploy'> {
  const { deps } = c;
  return {
    async 'deploy.pickEnvFile'(input: ParsedInput<'deploy.pickEnvFile'>): Promise<Output<'deploy.pickEnvFile'>> {
      if (!deps.pickEnvFile) return { supported: false };
      const path = await deps.pickEnvFile(input.suggestedName ?? '.env');
      if (path && !isEnvFileName(path))
        fail('VALIDATION_FAILED', 'Keydeck writes keys only into .env files (.env, .env.production, app.env…).');
      return { supported: true, path };
    },
  };
}
