import { contract, isChannel, type Channel, type Output, type ParsedInput } from '../../shared/contract.js';
import { KeydeckFailure, type Result } from '../../shared/errors.js';
import type { Logger } from './log.js';

/** The core's implementation of every contract call. Throws KeydeckFailure for expected errors. */
export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Output<C>> };

/**
 * The one door into the core, shared by every transport (IPC, preview host, CLI): checks the
 * channel, parses the input with the contract's schema (unknown fields, wrong types and
 * `__proto__` keys are refused), runs the handler, parses the output (so nothing beyond the
 * contract leaves), and turns every failure into an error value.
 */
export async function dispatch(handlers: Handlers, channel: unknown, rawInput: unknown, logger: Logger): Promise<Result<unknown>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'VALIDATION_FAILED', message: 'Unknown call.' } };
  }
  const spec = contract[channel];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'VALIDATION_FAILED',
        message: `Invalid request for ${channel}.`,
        issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.').slice(0, 500), message: i.message.slice(0, 500) })),
      },
    };
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value: spec.output.parse(value) };
  } catch (error) {
    if (error instanceof KeydeckFailure) {
      logger.log('warn', 'call.failed', { channel, code: error.error.code, message: error.error.message });
      return { ok: false, error: error.error };
    }
    logger.log('error', 'call.crashed', { channel, error });
    return { ok: false, error: { code: 'INTERNAL', message: `Keydeck hit an unexpected problem in ${channel}. Nothing was changed at the provider unless the list says so.` } };
  }
}
