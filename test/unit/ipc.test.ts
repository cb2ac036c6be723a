import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../shared/contract.js';
import { registerIpc } from '../../electron/ipc/index.js';
import type { IpcDeps } from '../../electron/ipc/wrapper.js';

type Listener = (event: unknown, input: unknown) => Promise<unknown>;
const appUrl = 'file:///app/out/renderer/index.html';

function setup() {
  const listeners = new Map<string, Listener>();
  const core = { call: vi.fn(async () => ({ ok: true as const, value: 'from core' })) };
  const deps: IpcDeps = {
    ipcMain: {
      handle: (channel: string, l: Listener) => void listeners.set(channel, l),
    } as unknown as IpcDeps['ipcMain'],
    core,
    windowIds: new Set([1]),
    trusted: { appFileUrl: appUrl },
  };
  registerIpc(deps);
  return { listeners, core };
}

const event = (frame: { url: string; parent: unknown } | null, id = 1) => ({ senderFrame: frame, sender: { id } });

describe('IPC registration', () => {
  it('registers a handler for every contract channel and nothing else', () => {
    const { listeners } = setup();
    expect([...listeners.keys()].sort()).toEqual([...CHANNELS].sort());
  });

  it('hands a trusted call to the core with the raw input (the core parses it)', async () => {
    const { listeners, core } = setup();
    const result = await listeners.get('orgs.list')?.(event({ url: appUrl, parent: null }), { x: 1 });
    expect(result).toEqual({ ok: true, value: 'from core' });
    expect(core.call).toHaveBeenCalledWith('orgs.list', { x: 1 });
  });

  it.each([
    ['a null senderFrame', event(null)],
    ['a subframe', event({ url: appUrl, parent: {} })],
    ['another window', event({ url: appUrl, parent: null }, 2)],
    ['a foreign page', event({ url: 'https://evil.example/', parent: null })],
  ])('refuses %s with FORBIDDEN_SENDER and never reaches the core', async (_name, ev) => {
    const { listeners, core } = setup();
    const result = await listeners.get('keys.revoke')?.(ev, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    expect(core.call).not.toHaveBeenCalled();
  });
});
