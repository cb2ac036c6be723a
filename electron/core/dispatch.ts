import {
  ALWAYS_ERRORS,
  contract,
  isChannel,
  type Channel,
  type Output,
  type ParsedInput,
} from '../../shared/contract.js';
import type { Prefix } from '../../shared/api.js';
import { KeydeckFailure, type KeydeckError, type Result } from '../../shared/errors.js';
import { scrubDeep, type Logger } from './log.js';

/** The core's implementation of one contract call. Throws KeydeckFailure for expected errors. */
export type Handler<C extends Channel> = (input: ParsedInput<C>) => Promise<Output<C>>;

/** The core's implementation of every contract call. */
export type Handlers = { [C in Channel]: Handler<C> };

/**
 * The calls of one contract prefix (`keys` for `keys.*`), exactly: each file of `core/handlers/`
 * answers one prefix and is named after it, so a call's name says where its handler is.
 */
export type HandlersOf<P extends Prefix<Channel>> = { [C in Channel as Prefix<C> extends P ? C : never]: Handler<C> };

/**
 * The one door into the core, shared by every transport (IPC, preview host, CLI): checks the
 * channel, parses the input with the contract's schema (unknown fields, wrong types and
 * `__proto__` keys are refused), runs the handler, parses the output (so nothing beyond the
 * contract leaves), and turns every failure into an error value.
 */
export async function dispatch(
  handlers: Handlers,
  channel: unknown,
  rawInput: unknown,
  logger: Logger,
  /** Told of every error code a call answered that its contract entry does not declare (the tests fail on it). */
  onUndeclared?: (channel: Channel, code: string) => void,
): Promise<Result<unknown>> {
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
        issues: parsed.error.issues
          .slice(0, 20)
          .map((i) => ({ path: i.path.map(String).join('.').slice(0, 500), message: i.message.slice(0, 500) })),
      },
    };
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value: spec.output.parse(value) };
  } catch (error) {
    if (error instanceof KeydeckFailure) {
      const answer = outgoing(error.error);
      logger.log('warn', 'call.failed', { channel, code: answer.code, message: answer.message });
      if (!declares(channel, answer.code)) {
        logger.log('error', 'contract.undeclaredError', { channel, code: answer.code });
        onUndeclared?.(channel, answer.code);
      }
      return { ok: false, error: answer };
    }
    logger.log('error', 'call.crashed', { channel, error });
    return {
      ok: false,
      error: {
        code: 'INTERNAL',
        message: `Keydeck hit an unexpected problem in ${channel}. Nothing was changed at the provider unless the list says so.`,
      },
    };
  }
}

/** Whether the contract says `channel` may answer `code`. */
export function declares(channel: Channel, code: string): boolean {
  return ALWAYS_ERRORS.includes(code as never) || (contract[channel].errors as readonly string[]).includes(code);
}

/** The last line of defence: nothing key-shaped leaves the core in an error, whatever produced it. */
function outgoing(error: KeydeckError): KeydeckError {
  return scrubDeep(error, [], { keyShaped: true });
}
