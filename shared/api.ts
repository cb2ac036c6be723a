import type { Channel, Input, Output } from './contract.js';
import type { Result } from './errors.js';

/** One call of the contract as the renderer sees it. */
export type Call<C extends Channel> = (input: Input<C>) => Promise<Result<Output<C>>>;

/** Sends one contract call over some transport (IPC in the app, a WebSocket in the preview host). */
export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;

/** The part of a channel's name before the dot (`keys` in `keys.list`): its domain, and the file its handler lives in. */
export type Prefix<C extends string> = C extends `${infer P}.${string}` ? P : never;
/** The part after the dot (`list` in `keys.list`): the method's name under its domain. */
export type Method<C extends string> = C extends `${string}.${infer M}` ? M : never;

/**
 * `window.keydeck`: exactly the calls of the contract, grouped by domain (`keys.list` is
 * `keydeck.keys.list`), mapped from the contract's channel names. No generic invoke, no
 * `ipcRenderer`: the renderer can do only what is listed here.
 */
export type KeydeckApi = {
  readonly [P in Prefix<Channel>]: { readonly [C in Channel as Prefix<C> extends P ? Method<C> : never]: Call<C> };
};

/**
 * The contract's channel names, written into the preload and renderer bundles at build time
 * (electron.vite.config.ts and vitest.config.ts `define` them from `Object.keys(contract)`), so those
 * bundles carry the names without the contract's schemas (zod stays out of them).
 */
declare const __KEYDECK_CHANNELS__: readonly Channel[];

function builtInChannels(): readonly Channel[] {
  if (typeof __KEYDECK_CHANNELS__ === 'undefined') {
    throw new Error(
      "buildApi: this bundle was built without the contract's channel names (define __KEYDECK_CHANNELS__, as electron.vite.config.ts does), and none were given.",
    );
  }
  return __KEYDECK_CHANNELS__;
}

/**
 * Builds the API over a transport, one method per channel. Both the preload and the preview client
 * call this, so the surface is written once, by the contract. Uses only types from the contract, so
 * the preload bundle stays tiny.
 */
export function buildApi(invoke: Invoke, channels: readonly Channel[] = builtInChannels()): KeydeckApi {
  const api: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  for (const channel of channels) {
    const [prefix, method] = channel.split('.') as [string, string];
    (api[prefix] ??= {})[method] = (input) => invoke(channel, input);
  }
  return api as unknown as KeydeckApi;
}
