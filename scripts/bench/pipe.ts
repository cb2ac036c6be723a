/**
 * A child process spoken to over stdin/stdout, one JSON object a line: `{id, cmd, …}` out,
 * `{id, ok, value | error}` back; lines with an `event` field are events (e.g. `ready`). Its stderr is
 * passed through (the children print nothing secret there).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  proc: ChildProcess;
  /** When the spawn was asked for (performance.now() in this process). */
  spawnedAt: number;
  call<T = unknown>(cmd: string, args?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  /** The next event of this name (its fields), with the time it arrived here. */
  event<T = Record<string, unknown>>(name: string, timeoutMs?: number): Promise<T & { receivedAt: number }>;
  /** Ends the child: asks it to close, then kills it if it has not exited within `graceMs`. */
  close(graceMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

export function spawnChild(command: string, args: string[], env: Record<string, string> = {}, label = command): Child {
  const spawnedAt = performance.now();
  const proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const events: { name: string; value: Record<string, unknown>; receivedAt: number }[] = [];
  const waiters: { name: string; resolve: (v: never) => void }[] = [];
  let seq = 0;
  let dead: Error | undefined;
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code) => {
      dead = new Error(`${label} exited (code ${code})`);
      for (const p of pending.values()) p.reject(dead);
      pending.clear();
      resolve(code);
    }),
  );
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    const receivedAt = performance.now();
    let msg: { id?: number; ok?: boolean; value?: unknown; error?: string; event?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      process.stderr.write(`${label}: ${line.slice(0, 200)}\n`);
      return;
    }
    if (msg.event) {
      const w = waiters.findIndex((x) => x.name === msg.event);
      const value = { ...(msg as Record<string, unknown>), receivedAt };
      if (w >= 0) waiters.splice(w, 1)[0]?.resolve(value as never);
      else events.push({ name: msg.event, value, receivedAt });
      return;
    }
    const p = msg.id === undefined ? undefined : pending.get(msg.id);
    if (!p || msg.id === undefined) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(`${label}: ${msg.error ?? 'failed'}`));
  });
  return {
    proc,
    spawnedAt,
    exited,
    call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 30 * 60_000): Promise<T> {
      if (dead) return Promise.reject(dead);
      const id = ++seq;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${label}: ${cmd} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        proc.stdin!.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
      });
    },
    event<T>(name: string, timeoutMs = 120_000): Promise<T & { receivedAt: number }> {
      const i = events.findIndex((e) => e.name === name);
      if (i >= 0) return Promise.resolve(events.splice(i, 1)[0]?.value as T & { receivedAt: number });
      if (dead) return Promise.reject(dead);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${label}: no ${name} within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          name,
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v);
          },
        });
        void exited.then(() => reject(dead));
      });
    },
    async close(graceMs = 20_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      try {
        await Promise.race([this.call('close', {}, graceMs).catch(() => undefined), exited]);
        await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The child's side of the same protocol: each `{id, cmd, …}` line on stdin is answered on stdout with
 * `handle`'s value or its error's message; `close` is answered, then the process exits; when the
 * parent goes away (stdin ends), `onEnd` runs and the process exits.
 */
export function serveLines(
  handle: (msg: { id: number; cmd: string }) => Promise<unknown>,
  onEnd: () => Promise<unknown> | void,
): void {
  const send = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  createInterface({ input: process.stdin })
    .on('line', (line) => {
      let msg: { id: number; cmd: string };
      try {
        msg = JSON.parse(line) as { id: number; cmd: string };
      } catch {
        return;
      }
      handle(msg).then(
        (value) => {
          send({ id: msg.id, ok: true, value });
          if (msg.cmd === 'close') process.exit(0);
        },
        (error: unknown) => send({ id: msg.id, ok: false, error: (error as Error).message }),
      );
    })
    .on('close', () => {
      void Promise.resolve()
        .then(onEnd)
        .catch(() => undefined)
        .finally(() => process.exit(0));
    });
}
