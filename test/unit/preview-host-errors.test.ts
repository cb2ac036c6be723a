import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  RPC_PROTOCOL,
  startPreviewHost,
  TOKEN_PROTOCOL_PREFIX,
  type PreviewHost,
} from '../../electron/preview/host.js';

let host: PreviewHost;
let errors: Error[];
let calls: number;

beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kd-preview-errors-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
  errors = [];
  calls = 0;
  host = await startPreviewHost({
    core: {
      call: async (channel) => {
        calls++;
        return { ok: true, value: { echoed: channel } };
      },
    },
    rendererDir: dir,
    onConnectionError: (error) => errors.push(error),
  });
});
afterEach(() => host.close());

/** A raw TCP client that completes a valid, authorised WebSocket handshake and then sends whatever bytes a test wants. */
function rawUpgrade(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { port, hostname } = new URL(host.origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const closed = new Promise<void>((done) => socket.on('close', () => done()));
    socket.on('error', () => undefined);
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.removeListener('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) reject(new Error(`handshake refused: ${head.split('\r\n')[0]}`));
      else resolve({ socket, closed });
    };
    socket.on('data', onData);
    socket.write(
      [
        'GET /rpc HTTP/1.1',
        `Host: ${new URL(host.origin).host}`,
        `Origin: ${host.origin}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        `Sec-WebSocket-Protocol: ${RPC_PROTOCOL}, ${TOKEN_PROTOCOL_PREFIX}${host.token}`,
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** A normal client: connects, makes one call, returns the answer. */
function normalCall(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `${host.origin.replace('http', 'ws')}/rpc`,
      [RPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${host.token}`],
      { origin: host.origin },
    );
    ws.on('open', () => ws.send(JSON.stringify({ id: 7, channel: 'orgs.list', input: {} })));
    ws.on('message', (data: Buffer) => {
      resolve(JSON.parse(data.toString()));
      ws.close();
    });
    ws.on('error', reject);
  });
}

const mask = Buffer.from([1, 2, 3, 4]);
/** Malformed client frames, each of which makes `ws` raise an 'error' on the server's socket. */
const MALFORMED: Record<string, Buffer> = {
  'an unmasked client frame': Buffer.from([0x81, 0x02, 0x68, 0x69]),
  'a reserved opcode (3)': Buffer.concat([Buffer.from([0x83, 0x80]), mask]),
  'RSV1 set without an extension': Buffer.concat([Buffer.from([0xc1, 0x80]), mask]),
  'a fragmented control frame (ping without FIN)': Buffer.concat([Buffer.from([0x09, 0x80]), mask]),
  'invalid UTF-8 in a text frame': Buffer.concat([Buffer.from([0x81, 0x82]), mask, Buffer.from([0xff ^ 1, 0xfe ^ 2])]),
  'a payload over maxPayload (2 MB announced)': Buffer.concat([
    Buffer.from([0x82, 0xff]),
    Buffer.from([0, 0, 0, 0, 0, 0x20, 0, 0]),
    mask,
  ]),
};

describe('preview host: a malformed WebSocket frame closes that connection only', () => {
  it.each(Object.entries(MALFORMED))(
    '%s: the socket is closed, the error reported, and the host keeps serving',
    async (_name, frame) => {
      // A valid client stays connected across another client's bad frame.
      const bystander = new WebSocket(
        `${host.origin.replace('http', 'ws')}/rpc`,
        [RPC_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${host.token}`],
        { origin: host.origin },
      );
      await new Promise((resolve, reject) => {
        bystander.on('open', resolve);
        bystander.on('error', reject);
      });

      const { socket, closed } = await rawUpgrade();
      socket.write(frame);
      await closed;
      expect(errors.length).toBeGreaterThanOrEqual(1);
      expect(errors[0]?.message).toMatch(/Invalid WebSocket frame|Max payload size exceeded/);
      expect(calls).toBe(0);

      // The host still serves: a new client gets an answer, and the bystander's connection still works.
      expect(await normalCall()).toEqual({ id: 7, result: { ok: true, value: { echoed: 'orgs.list' } } });
      const answer = new Promise((resolve) =>
        bystander.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()))),
      );
      bystander.send(JSON.stringify({ id: 8, channel: 'keys.list', input: {} }));
      expect(await answer).toEqual({ id: 8, result: { ok: true, value: { echoed: 'keys.list' } } });
      bystander.close();
    },
  );

  it('a client that resets its socket mid-handshake does not end the host', async () => {
    const { port, hostname } = new URL(host.origin);
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    // Half a handshake, then a reset (RST, not FIN).
    socket.write(
      `GET /rpc HTTP/1.1\r\nHost: ${new URL(host.origin).host}\r\nOrigin: ${host.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`,
    );
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.resetAndDestroy();
    await closed;
    expect(await normalCall()).toMatchObject({ id: 7, result: { ok: true } });
  });
});
