/**
 * The floors Keydeck is compared with, in the same Chromium and the same run: pages showing the
 * same rows from inline data. The React floor is built by scripts/bench/build.ts (Keydeck's own row
 * components and styles, no data layer); the static floor is plain HTML with the rows already in the
 * page and a few lines of plain script to switch and filter. Served from a small static server on
 * 127.0.0.1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { KeyRecord, ProviderInfo } from '../../shared/domain.js';
import type { UsageRow } from '../../shared/usage.js';
import { formatDate } from '../../renderer/lib/format.js';

export interface FloorData {
  provider: ProviderInfo;
  /** Every organization, in the sidebar's order. */
  orgs: { id: string; name: string }[];
  /** The live list of each organization a switch goes to (and of the first, for the cold load). */
  lists: Record<string, KeyRecord[]>;
  rows: UsageRow[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** JSON safe inside a script element. */
const inlineJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function keyRowHtml(k: KeyRecord): string {
  return (
    `<tr data-key-id="${esc(k.id)}"${k.status !== 'active' ? ' class="inactive"' : ''}><th scope="row" class="key-name">${esc(k.name)}${k.scope ? `<span class="scope">${esc(k.scope)}</span>` : ''}</th>` +
    `<td><code class="masked">${esc(k.masked)}</code></td><td>${esc(formatDate(k.createdAt))}</td><td><span class="muted">Not reported</span></td>` +
    `<td><span class="status status-${esc(k.status)}">${esc(k.status)}</span></td><td>${k.isAdmin ? '<span class="badge badge-admin">Keydeck’s admin key</span>' : '<span class="muted">No</span>'}</td>` +
    `<td><div class="row-actions">${!k.isAdmin && k.status === 'active' ? '<button type="button" class="button-danger-quiet">Revoke</button>' : ''}</div></td></tr>`
  );
}

function usageRowHtml(r: UsageRow): string {
  return (
    `<div role="row" class="usage-row" style="position:absolute;top:0;left:0;right:0;height:44px;transform:translateY(@TOPpx)">` +
    `<div role="cell" class="usage-cell usage-name"><span class="key-title">${esc(r.key.name)}</span> <code class="masked">${esc(r.key.masked)}</code></div>` +
    `<div role="cell" class="usage-cell usage-org">${esc(r.orgName)} <span class="env-text env-text-${r.environment}">${r.environment === 'live' ? 'LIVE' : 'test'}</span></div>` +
    `<div role="cell" class="usage-cell usage-age">${r.flags.ageDays === undefined ? '—' : `${r.flags.ageDays} d`}</div>` +
    `<div role="cell" class="usage-cell usage-lastUsed"><span class="muted">unknown</span></div>` +
    `<div role="cell" class="usage-cell usage-status"><span class="status status-${esc(r.key.status)}">${esc(r.key.status)}</span></div>` +
    `<div role="cell" class="usage-cell usage-flags">${r.flags.due ? '<span class="flag flag-due">due</span>' : ''}${r.key.createdAt && !r.flags.due ? `<span class="muted small">since ${esc(formatDate(r.key.createdAt))}</span>` : ''}</div></div>`
  );
}

const sortedRows = (rows: UsageRow[]) =>
  rows
    .map((r) => ({ r, text: `${r.key.name}\u0000${r.orgName}\u0000${r.key.masked}`.toLowerCase() }))
    .sort((a, b) => (b.r.flags.ageDays ?? -1) - (a.r.flags.ageDays ?? -1));

/**
 * Writes the pages for one scale into `dir` (the built React floor's folder, whose index.html and
 * assets they reuse): react-keys, react-filter, static-keys, static-filter.
 */
export function writeFloorPages(dir: string, data: FloorData): void {
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const css = /href="\.\/(assets\/[^"]+\.css)"/.exec(template)?.[1] ?? '';
  const react = (mode: 'keys' | 'filter', payload: Partial<FloorData>) =>
    template.replace(
      '<!--BENCH-DATA-->',
      `<script type="application/json" id="bench-data">${inlineJson({ mode, ...payload })}</script>`,
    );
  writeFileSync(
    join(dir, 'react-keys.html'),
    react('keys', { provider: data.provider, orgs: data.orgs, lists: data.lists }),
  );
  writeFileSync(join(dir, 'react-filter.html'), react('filter', { provider: data.provider, rows: data.rows }));

  const first = data.orgs[0];
  const head = `<!doctype html><html lang="en"><head><meta charset="UTF-8"><link rel="icon" href="data:,"><link rel="stylesheet" href="./${css}"><title>Keydeck floor (static)</title></head><body>`;
  const nav = `<nav class="sidebar">${data.orgs.map((o) => `<button type="button" class="org-button" data-org="${esc(o.id)}"><span class="org-name">${esc(o.name)}</span></button>`).join('')}</nav>`;
  const lists = Object.fromEntries(Object.entries(data.lists).map(([id, keys]) => [id, keys.map(keyRowHtml).join('')]));
  const names = Object.fromEntries(data.orgs.map((o) => [o.id, o.name]));
  writeFileSync(
    join(dir, 'static-keys.html'),
    `${head}<div class="app">${nav}<main><h1 id="org-title">${esc(first?.name ?? '')}</h1><table class="key-table"><caption>All keys ${esc(data.provider.displayName)} reports for this environment</caption>` +
      `<thead><tr><th scope="col">Name</th><th scope="col">Key</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col">In Keydeck</th><th scope="col"></th></tr></thead>` +
      `<tbody>${first ? (lists[first.id] ?? '') : ''}</tbody></table></main></div>` +
      `<script type="application/json" id="bench-data">${inlineJson({ lists, names })}</script>` +
      `<script>const d=JSON.parse(document.getElementById('bench-data').textContent);const t=document.getElementById('org-title');const b=document.querySelector('tbody');` +
      `document.querySelector('nav').addEventListener('click',(e)=>{const btn=e.target.closest('.org-button');if(!btn)return;const id=btn.dataset.org;t.textContent=d.names[id];b.innerHTML=d.lists[id]||'';});</script></body></html>`,
  );
  const rows = sortedRows(data.rows).map(({ r, text }) => [text, usageRowHtml(r)]);
  writeFileSync(
    join(dir, 'static-filter.html'),
    `${head}<main class="usage-view"><div class="usage-filters"><label for="filter">Filter</label><input id="filter"><span class="muted" role="status" data-applied-filter="">${rows.length} shown</span></div>` +
      `<div role="table" class="usage-table"><div class="usage-scroll" role="rowgroup"><div id="inner" style="position:relative"></div></div></div></main>` +
      `<script type="application/json" id="bench-data">${inlineJson(rows)}</script>` +
      // The rows a virtualiser would show: those in view plus 12 of overscan.
      `<script>const rows=JSON.parse(document.getElementById('bench-data').textContent);const inner=document.getElementById('inner');const st=document.querySelector('[role=status]');const sc=document.querySelector('.usage-scroll');` +
      `function show(q){const m=[];for(const r of rows)if(!q||r[0].includes(q))m.push(r[1]);const k=Math.min(m.length,Math.ceil(sc.clientHeight/44)+12);let s='';for(let i=0;i<k;i++)s+=m[i].replace('@TOP',String(i*44));` +
      `inner.style.height=(m.length*44)+'px';inner.innerHTML=s;st.textContent=m.length+' shown';st.setAttribute('data-applied-filter',q);}` +
      `document.getElementById('filter').addEventListener('input',(e)=>show(e.target.value.trim().toLowerCase()));show('');</script></body></html>`,
  );
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** A static file server for `dir` on 127.0.0.1 (any free port). */
export async function serveStatic(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const root = normalize(dir);
  const server = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://floor').pathname)));
    if (!path.startsWith(root + sep)) return void res.writeHead(403).end();
    try {
      const body = readFileSync(path);
      res
        .writeHead(200, {
          'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
