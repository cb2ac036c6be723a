// Long on purpose: one self-contained D-Bus wire client (framing, marshalling, auth and two read-only calls); one protocol, one file.
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';

/**
 * A read-only look at the Secret Service (org.freedesktop.secrets) over the D-Bus session bus,
 * written directly on a socket so it needs no native module and no external tool, and so it opens
 * a fresh connection every time (libsecret inside keytar keeps the connection it made first; see
 * keytar-store.ts).
 *
 * It only reads: the `Locked` property of the default collection, and `SearchItems`, which sorts
 * matching items into unlocked and locked without touching their secrets. Neither can show an
 * unlock prompt, and every call carries NO_AUTO_START, so asking never starts a keyring daemon.
 * Every answer is "unknown" (undefined) when the bus or the service cannot be reached or answers
 * something unexpected: callers then rely on keytar's own answer.
 */
/**
 * The default collection (where keytar files every item): locked or not; none yet (keytar's
 * first write creates it); or no Secret Service on the bus at all (keytar's next call may start
 * one through D-Bus activation).
 */
export type DefaultCollectionState = 'locked' | 'unlocked' | 'no-collection' | 'no-service';

export interface SecretServiceReader {
  defaultCollectionState(timeoutMs: number): Promise<DefaultCollectionState | undefined>;
  /** The items whose attributes match, as the Secret Service sorts them. */
  search(
    attributes: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ unlocked: string[]; locked: string[] } | undefined>;
}

const SECRETS = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const NO_AUTO_START = 0x2;

/** The reader for this platform: the D-Bus one where a Secret Service may run, none on macOS and Windows. */
export function platformSecretServiceReader(): SecretServiceReader | undefined {
  return process.platform === 'darwin' || process.platform === 'win32' ? undefined : new DbusSecretServiceReader();
}

export class DbusSecretServiceReader implements SecretServiceReader {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async defaultCollectionState(timeoutMs: number): Promise<DefaultCollectionState | undefined> {
    return this.withBus(timeoutMs, async (bus) => {
      let path: unknown;
      try {
        [path] = await bus.call({
          path: SERVICE_PATH,
          iface: 'org.freedesktop.Secret.Service',
          member: 'ReadAlias',
          sig: 's',
          body: ['default'],
        });
      } catch (error) {
        if (error instanceof BusError && /ServiceUnknown|NameHasNoOwner/.test(error.busName)) return 'no-service';
        throw error;
      }
      if (typeof path !== 'string') return undefined;
      if (path === '/') return 'no-collection';
      const [locked] = await bus.call({
        path,
        iface: 'org.freedesktop.DBus.Properties',
        member: 'Get',
        sig: 'ss',
        body: ['org.freedesktop.Secret.Collection', 'Locked'],
      });
      return typeof locked === 'boolean' ? (locked ? 'locked' : 'unlocked') : undefined;
    });
  }

  async search(
    attributes: Record<string, string>,
    timeoutMs: number,
  ): Promise<{ unlocked: string[]; locked: string[] } | undefined> {
    return this.withBus(timeoutMs, async (bus) => {
      const [unlocked, locked] = await bus.call({
        path: SERVICE_PATH,
        iface: 'org.freedesktop.Secret.Service',
        member: 'SearchItems',
        sig: 'a{ss}',
        body: [Object.entries(attributes)],
      });
      const paths = (v: unknown) =>
        Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
      const u = paths(unlocked);
      const l = paths(locked);
      return u && l ? { unlocked: u, locked: l } : undefined;
    });
  }

  private async withBus<T>(
    timeoutMs: number,
    use: (bus: BusConnection) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const address = sessionBusPath(this.env);
    if (!address || timeoutMs <= 0) return undefined;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const opening = BusConnection.open(address, abort.signal);
    const work = opening.then(use);
    // Settled later than the timeout, it must not become an unhandled rejection.
    work.catch(() => undefined);
    try {
      return await Promise.race([work, timeout]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
      // Ends the connection whatever state it reached: still authenticating, or open.
      abort.abort();
      opening.then(
        (bus) => bus.close(),
        () => undefined,
      );
    }
  }
}

/**
 * The socket path of the session bus: the first `unix:path=` address in DBUS_SESSION_BUS_ADDRESS,
 * else `$XDG_RUNTIME_DIR/bus` (where GLib looks too). Other transports answer undefined: unknown,
 * not an error. That includes `unix:abstract=` (older dbus-daemons): Node 20 cannot connect to an
 * abstract socket (measured: ECONNREFUSED where libdbus connects), so there the lock state is
 * unknown and keytar's answers stand.
 */
export function sessionBusPath(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DBUS_SESSION_BUS_ADDRESS;
  if (value) {
    for (const address of value.split(';')) {
      const [transport, rest = ''] = address.split(/:(.*)/s);
      if (transport !== 'unix') continue;
      const keys = new Map(
        rest.split(',').map((pair) => {
          const at = pair.indexOf('=');
          return [pair.slice(0, at), decodeURIComponent(pair.slice(at + 1))] as const;
        }),
      );
      const path = keys.get('path');
      if (path) return path;
    }
    return undefined;
  }
  const runtime = env.XDG_RUNTIME_DIR;
  return runtime && existsSync(join(runtime, 'bus')) ? join(runtime, 'bus') : undefined;
}

// ---- The D-Bus wire format, as much of it as the calls above need (little-endian out, both in). ----

const ALIGN: Record<string, number> = {
  y: 1,
  b: 4,
  n: 2,
  q: 2,
  i: 4,
  u: 4,
  x: 8,
  t: 8,
  d: 8,
  h: 4,
  s: 4,
  o: 4,
  g: 1,
  a: 4,
  '(': 8,
  '{': 8,
  v: 1,
};

/** The index just after the one complete type that starts at `i` in a signature. */
function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === undefined) throw new Error('bad signature');
  if (c === 'a') return typeEnd(sig, i + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let j = i + 1;
    while (sig[j] !== close) j = typeEnd(sig, j);
    return j + 1;
  }
  return i + 1;
}

function splitTypes(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length;) {
    const end = typeEnd(sig, i);
    out.push(sig.slice(i, end));
    i = end;
  }
  return out;
}

class Writer {
  private bytes: number[] = [];
  get length(): number {
    return this.bytes.length;
  }
  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
  pad(n: number): void {
    while (this.bytes.length % n) this.bytes.push(0);
  }
  byte(b: number): void {
    this.bytes.push(b & 0xff);
  }
  u32(n: number): void {
    this.pad(4);
    this.bytes.push(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  private setU32(at: number, n: number): void {
    this.bytes.splice(at, 4, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }
  /** Writes one complete type. Structs and dict entries are arrays of their fields. */
  write(type: string, value: unknown): void {
    switch (type[0]) {
      case 'y':
        return this.byte(Number(value));
      case 'b':
        return this.u32(value ? 1 : 0);
      case 'u':
        return this.u32(Number(value));
      case 's':
      case 'o': {
        const b = Buffer.from(String(value), 'utf8');
        this.u32(b.length);
        this.bytes.push(...b, 0);
        return;
      }
      case 'g': {
        const b = Buffer.from(String(value), 'utf8');
        this.byte(b.length);
        this.bytes.push(...b, 0);
        return;
      }
      case 'v': {
        const [sig, inner] = value as [string, unknown];
        this.write('g', sig);
        return this.write(sig, inner);
      }
      case 'a': {
        const elem = type.slice(1);
        this.u32(0);
        const lengthAt = this.length - 4;
        this.pad(ALIGN[elem[0] as string] ?? 1);
        const start = this.length;
        for (const item of value as unknown[]) this.write(elem, item);
        this.setU32(lengthAt, this.length - start);
        return;
      }
      case '(':
      case '{': {
        this.pad(8);
        const fields = splitTypes(type.slice(1, -1));
        fields.forEach((t, i) => this.write(t, (value as unknown[])[i]));
        return;
      }
      default:
        throw new Error(`cannot write D-Bus type ${type}`);
    }
  }
}

class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly le: boolean,
  ) {}
  private align(n: number): void {
    this.pos = Math.ceil(this.pos / n) * n;
  }
  private check(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('short D-Bus message');
  }
  u32(): number {
    this.align(4);
    this.check(4);
    const v = this.le ? this.buf.readUInt32LE(this.pos) : this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  read(type: string): unknown {
    const c = type[0] as string;
    switch (c) {
      case 'y':
        this.check(1);
        return this.buf[this.pos++];
      case 'b':
        return this.u32() !== 0;
      case 'u':
      case 'h':
        return this.u32();
      case 'i': {
        const v = this.u32();
        return v | 0;
      }
      case 'n':
      case 'q': {
        this.align(2);
        this.check(2);
        const v = this.le ? this.buf.readUInt16LE(this.pos) : this.buf.readUInt16BE(this.pos);
        this.pos += 2;
        return c === 'n' ? (v << 16) >> 16 : v;
      }
      case 'x':
      case 't':
      case 'd': {
        this.align(8);
        this.check(8);
        const at = this.pos;
        this.pos += 8;
        if (c === 'd') return this.le ? this.buf.readDoubleLE(at) : this.buf.readDoubleBE(at);
        return this.le ? this.buf.readBigUInt64LE(at) : this.buf.readBigUInt64BE(at);
      }
      case 's':
      case 'o': {
        const n = this.u32();
        this.check(n + 1);
        const s = this.buf.toString('utf8', this.pos, this.pos + n);
        this.pos += n + 1;
        return s;
      }
      case 'g': {
        this.check(1);
        const n = this.buf[this.pos++] as number;
        this.check(n + 1);
        const s = this.buf.toString('utf8', this.pos, this.pos + n);
        this.pos += n + 1;
        return s;
      }
      case 'v':
        return this.read(this.read('g') as string);
      case 'a': {
        const n = this.u32();
        const elem = type.slice(1);
        this.align(ALIGN[elem[0] as string] ?? 1);
        const end = this.pos + n;
        if (end > this.buf.length) throw new Error('short D-Bus message');
        const out: unknown[] = [];
        while (this.pos < end) out.push(this.read(elem));
        return out;
      }
      case '(':
      case '{':
        this.align(8);
        return splitTypes(type.slice(1, -1)).map((t) => this.read(t));
      default:
        throw new Error(`cannot read D-Bus type ${type}`);
    }
  }
}

interface Call {
  path: string;
  iface: string;
  member: string;
  destination?: string;
  sig?: string;
  body?: unknown[];
}

class BusError extends Error {
  constructor(
    readonly busName: string,
    message: string,
  ) {
    super(`${busName}: ${message}`);
  }
}

function encodeCall(serial: number, call: Call): Buffer {
  const body = new Writer();
  const types = call.sig ? splitTypes(call.sig) : [];
  types.forEach((t, i) => body.write(t, call.body?.[i]));
  const fields: [number, [string, unknown]][] = [
    [1, ['o', call.path]],
    [2, ['s', call.iface]],
    [3, ['s', call.member]],
    [6, ['s', call.destination ?? SECRETS]],
  ];
  if (call.sig) fields.push([8, ['g', call.sig]]);
  const head = new Writer();
  head.byte(0x6c); // 'l': little-endian
  head.byte(1); // METHOD_CALL
  head.byte(NO_AUTO_START);
  head.byte(1); // protocol version
  head.u32(body.length);
  head.u32(serial);
  head.write('a(yv)', fields);
  head.pad(8);
  return Buffer.concat([head.toBuffer(), body.toBuffer()]);
}

/** One connection to the session bus: EXTERNAL authentication, Hello, then method calls. */
class BusConnection {
  private serial = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown[]) => void; reject: (e: Error) => void }>();
  private pending = Buffer.alloc(0);
  private closed: Error | undefined;

  private constructor(private readonly socket: Socket) {}

  static open(path: string, signal: AbortSignal): Promise<BusConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      signal.addEventListener('abort', () => socket.destroy(), { once: true });
      let greeting = '';
      const fail = (e: Error) => {
        socket.destroy();
        reject(e);
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('the session bus closed the connection')));
      socket.on('connect', () => {
        const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
        socket.write(`\0AUTH EXTERNAL ${Buffer.from(String(uid)).toString('hex')}\r\n`);
      });
      const onAuth = (chunk: Buffer) => {
        greeting += chunk.toString('latin1');
        const end = greeting.indexOf('\r\n');
        if (end < 0) return;
        socket.off('data', onAuth);
        socket.removeAllListeners('error');
        socket.removeAllListeners('close');
        if (!greeting.startsWith('OK ')) return fail(new Error('the session bus refused authentication'));
        socket.write('BEGIN\r\n');
        const bus = new BusConnection(socket);
        socket.on('data', (data: Buffer) => bus.receive(data));
        socket.on('error', (e) => bus.shut(e));
        socket.on('close', () => bus.shut(new Error('the session bus closed the connection')));
        bus
          .call({
            path: '/org/freedesktop/DBus',
            iface: 'org.freedesktop.DBus',
            member: 'Hello',
            destination: 'org.freedesktop.DBus',
          })
          .then(() => resolve(bus), fail);
      };
      socket.on('data', onAuth);
    });
  }

  call(call: Call): Promise<unknown[]> {
    if (this.closed) return Promise.reject(this.closed);
    const serial = ++this.serial;
    return new Promise((resolve, reject) => {
      this.waiting.set(serial, { resolve, reject });
      this.socket.write(encodeCall(serial, call));
    });
  }

  close(): void {
    this.shut(new Error('closed'));
  }

  private shut(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    this.socket.destroy();
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  private receive(data: Buffer): void {
    this.pending = Buffer.concat([this.pending, data]);
    try {
      while (this.pending.length >= 16) {
        const le = this.pending[0] === 0x6c;
        const bodyLength = le ? this.pending.readUInt32LE(4) : this.pending.readUInt32BE(4);
        const fieldsLength = le ? this.pending.readUInt32LE(12) : this.pending.readUInt32BE(12);
        const bodyStart = Math.ceil((16 + fieldsLength) / 8) * 8;
        const total = bodyStart + bodyLength;
        if (total > 1 << 24) throw new Error('oversized D-Bus message');
        if (this.pending.length < total) return;
        const message = this.pending.subarray(0, total);
        this.pending = this.pending.subarray(total);
        this.dispatch(message, le, bodyStart);
      }
    } catch (error) {
      this.shut(error as Error);
    }
  }

  private dispatch(message: Buffer, le: boolean, bodyStart: number): void {
    const type = message[1];
    const fields = new Map(
      (new Reader(message, 12, le).read('a(yv)') as [number, unknown][]).map(([code, v]) => [code, v]),
    );
    const replyTo = fields.get(5);
    if ((type !== 2 && type !== 3) || typeof replyTo !== 'number') return; // signals and calls to us
    const waiter = this.waiting.get(replyTo);
    if (!waiter) return;
    this.waiting.delete(replyTo);
    const sig = typeof fields.get(8) === 'string' ? (fields.get(8) as string) : '';
    const reader = new Reader(message, bodyStart, le);
    const body = splitTypes(sig).map((t) => reader.read(t));
    if (type === 3) waiter.reject(new BusError(String(fields.get(4)), typeof body[0] === 'string' ? body[0] : ''));
    else waiter.resolve(body);
  }
}
