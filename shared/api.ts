import type { Channel, Input, Output } from './contract.js';
import type { Result } from './errors.js';

/** One call of the contract as the renderer sees it. */
export type Call<C extends Channel> = (input: Input<C>) => Promise<Result<Output<C>>>;

/** Sends one contract call over some transport (IPC in the app, a WebSocket in the preview host). */
export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;

/**
 * `window.keydeck`: exactly the calls of the contract, grouped by domain. No generic invoke, no
 * `ipcRenderer`: the renderer can do only what is listed here.
 */
export interface KeydeckApi {
  app: { info: Call<'app.info'> };
  orgs: {
    list: Call<'orgs.list'>;
    connect: Call<'orgs.connect'>;
    connectEnvironment: Call<'orgs.connectEnvironment'>;
    remove: Call<'orgs.remove'>;
    update: Call<'orgs.update'>;
  };
  keys: {
    list: Call<'keys.list'>;
    create: Call<'keys.create'>;
    revoke: Call<'keys.revoke'>;
    adopt: Call<'keys.adopt'>;
    check: Call<'keys.check'>;
    confirmRevoked: Call<'keys.confirmRevoked'>;
    cached: Call<'keys.cached'>;
  };
  usage: { overview: Call<'usage.overview'>; quotas: Call<'usage.quotas'> };
  reminders: { take: Call<'reminders.take'> };
  settings: { get: Call<'settings.get'>; update: Call<'settings.update'> };
  activity: { list: Call<'activity.list'>; reveal: Call<'activity.reveal'>; copied: Call<'activity.copied'> };
  dashboard: { open: Call<'dashboard.open'> };
  deploy: { pickEnvFile: Call<'deploy.pickEnvFile'> };
  rotation: { list: Call<'rotation.list'>; get: Call<'rotation.get'>; start: Call<'rotation.start'>; act: Call<'rotation.act'> };
  clipboard: { copySecret: Call<'clipboard.copySecret'> };
  vault: { status: Call<'vault.status'>; useSession: Call<'vault.useSession'> };
  store: { status: Call<'store.status'>; recover: Call<'store.recover'> };
  data: { removeAll: Call<'data.removeAll'> };
}

/**
 * Builds the API over a transport. Both the preload and the preview client call this, so the
 * surface is written once. Uses only types from the contract, so the preload bundle stays tiny.
 */
export function buildApi(invoke: Invoke): KeydeckApi {
  const call =
    <C extends Channel>(channel: C): Call<C> =>
    (input) =>
      invoke(channel, input) as Promise<Result<Output<C>>>;
  return {
    app: { info: call('app.info') },
    orgs: {
      list: call('orgs.list'),
      connect: call('orgs.connect'),
      connectEnvironment: call('orgs.connectEnvironment'),
      remove: call('orgs.remove'),
      update: call('orgs.update'),
    },
    keys: {
      list: call('keys.list'),
      create: call('keys.create'),
      revoke: call('keys.revoke'),
      adopt: call('keys.adopt'),
      check: call('keys.check'),
      confirmRevoked: call('keys.confirmRevoked'),
      cached: call('keys.cached'),
    },
    usage: { overview: call('usage.overview'), quotas: call('usage.quotas') },
    reminders: { take: call('reminders.take') },
    settings: { get: call('settings.get'), update: call('settings.update') },
    activity: { list: call('activity.list'), reveal: call('activity.reveal'), copied: call('activity.copied') },
    dashboard: { open: call('dashboard.open') },
    deploy: { pickEnvFile: call('deploy.pickEnvFile') },
    rotation: { list: call('rotation.list'), get: call('rotation.get'), start: call('rotation.start'), act: call('rotation.act') },
    clipboard: { copySecret: call('clipboard.copySecret') },
    vault: { status: call('vault.status'), useSession: call('vault.useSession') },
    store: { status: call('store.status'), recover: call('store.recover') },
    data: { removeAll: call('data.removeAll') },
  } satisfies KeydeckApi;
}
