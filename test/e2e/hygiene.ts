import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

/**
 * Secret hygiene for every end-to-end test: every WebSocket answer the core sent the renderer and
 * every string ever put in the DOM are recorded while the test runs; afterwards they, the profile
 * folder and every file written in the temp folder during the test (the browser's own profile,
 * downloads, logs) are searched for each secret the sandbox issued in this test (the canaries).
 * Allowed: the answer to `keys.create` (a new key is shown once), text inside an element marked
 * `data-secret-reveal` (that shown-once key, when the person reveals it), and the value of an input
 * marked `data-secret-input` (where the person types or pastes a key), and a .env file the person
 * chose as a rotation's deploy target.
 */
export interface Recording {
  started: number;
  frames: { channel: string; payload: string }[];
  dom: { text: string; allowed: boolean; where: string }[];
}

export function newRecording(): Recording {
  return { started: Date.now(), frames: [], dom: [] };
}

/** In the page: a MutationObserver that reports every text and attribute value as it appears. */
const OBSERVER = `(() => {
  const queue = [];
  let scheduled = false;
  const flush = () => { scheduled = false; const batch = queue.splice(0); if (batch.length) window.__keydeckHygiene(batch).catch(() => {}); };
  const push = (text, node, input, how) => {
    if (!text) return;
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    const allowed = !!(el && el.closest && el.closest('[data-secret-reveal]')) || !!input;
    const where = (el ? el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '') : '?') + ' ' + (how || 'text') + ' @' + location.pathname;
    queue.push({ text, allowed, where });
    if (!scheduled) { scheduled = true; setTimeout(flush, 0); }
  };
  const visit = (node) => {
    if (node.nodeType === 3) return push(node.data, node);
    if (node.nodeType !== 1) return;
    for (const a of node.attributes) push(a.value, node, a.name === 'value' && node.hasAttribute('data-secret-input'), '[' + a.name + ']');
    if (node.tagName === 'INPUT' || node.tagName === 'TEXTAREA') push(node.value, node, node.hasAttribute('data-secret-input'), '.value');
    for (const child of node.childNodes) visit(child);
  };
  const start = () => {
    visit(document.documentElement);
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'characterData') push(r.target.data, r.target);
        else if (r.type === 'attributes') push(r.target.getAttribute(r.attributeName), r.target, r.attributeName === 'value' && r.target.hasAttribute('data-secret-input'), '[' + r.attributeName + ']');
        else for (const n of r.addedNodes) visit(n);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  };
  if (document.documentElement) start(); else document.addEventListener('readystatechange', start, { once: true });
})();`;

/** Starts recording a page's WebSocket answers and DOM. Call before the page navigates. */
export async function record(page: Page, rec: Recording): Promise<void> {
  await page.exposeBinding(
    '__keydeckHygiene',
    (_source, batch: { text: string; allowed: boolean; where: string }[]) => {
      rec.dom.push(...batch);
    },
  );
  await page.addInitScript({ content: OBSERVER });
  page.on('websocket', (ws) => {
    const channels = new Map<number, string>();
    ws.on('framesent', (f) => {
      try {
        const m = JSON.parse(String(f.payload)) as { id: number; channel: string };
        channels.set(m.id, m.channel);
      } catch {
        // not ours
      }
    });
    ws.on('framereceived', (f) => {
      const payload = String(f.payload);
      let channel = '?';
      try {
        channel = channels.get((JSON.parse(payload) as { id: number }).id) ?? '?';
      } catch {
        // recorded as unknown
      }
      rec.frames.push({ channel, payload });
    });
  });
}

function filesSince(dir: string, since: number, depth = 0, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (st.isDirectory()) {
        if (depth < 8) filesSince(path, since, depth + 1, out);
      } else if (st.isFile() && st.mtimeMs >= since - 1000 && st.size <= 50_000_000) out.push(path);
    } catch {
      // gone or unreadable
    }
  }
  return out;
}

export interface HygieneResult {
  canaries: number;
  frames: number;
  domStrings: number;
  files: number;
  hits: string[];
  allowedReveals: number;
}

/** Searches the recordings and the files for every canary. */
export function check(
  rec: Recording,
  canaries: string[],
  profileDir: string,
  deployTargets: string[] = [],
  tempRoot = tmpdir(),
): HygieneResult {
  const hits: string[] = [];
  let allowedReveals = 0;
  const mask = (s: string) => `${s.slice(0, 8)}…${s.slice(-4)}`;
  for (const f of rec.frames) {
    for (const c of canaries) {
      if (!f.payload.includes(c)) continue;
      if (f.channel === 'keys.create') allowedReveals++;
      else hits.push(`WebSocket answer to ${f.channel} holds ${mask(c)}`);
    }
  }
  for (const d of rec.dom) {
    for (const c of canaries) {
      if (!d.text.includes(c)) continue;
      if (d.allowed) allowedReveals++;
      else hits.push(`DOM (${d.where}) holds ${mask(c)}: ${d.text.replace(c, mask(c)).slice(0, 120)}`);
    }
  }
  const files = [...new Set([...filesSince(profileDir, 0), ...filesSince(tempRoot, rec.started)])];
  const needles = canaries.map((c) => ({ c, b: Buffer.from(c) }));
  for (const path of files) {
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch {
      continue;
    }
    for (const { c, b } of needles) {
      if (!data.includes(b)) continue;
      // A .env file the person chose as a deploy target is where they asked for the key.
      if (deployTargets.includes(path)) allowedReveals++;
      else hits.push(`file ${path} holds ${mask(c)}`);
    }
  }
  return {
    canaries: canaries.length,
    frames: rec.frames.length,
    domStrings: rec.dom.length,
    files: files.length,
    hits,
    allowedReveals,
  };
}
