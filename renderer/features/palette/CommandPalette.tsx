import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Environment, Organization } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { useAppInfo } from '../../lib/app-info.js';
import type { Intent } from '../../lib/intent.js';
import type { Go } from '../../lib/selection.js';
import { useOverview } from '../usage/use-overview.js';

export interface Command {
  id: string;
  label: string;
  hint?: string;
  run: () => void;
}

const RECENT = 'keydeck.palette.recent';
const RECENT_MAX = 8;
/** Keys and rotations listed at most, each; the rest are counted ("12 more: type more of a name"). */
const LIMIT = 30;

function recentIds(): string[] {
  try {
    const raw: unknown = JSON.parse(localStorage.getItem(RECENT) ?? '[]');
    return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string').slice(0, RECENT_MAX) : [];
  } catch {
    return [];
  }
}

function remember(id: string): void {
  localStorage.setItem(RECENT, JSON.stringify([id, ...recentIds().filter((x) => x !== id)].slice(0, RECENT_MAX)));
}

const envWord = (e: Environment) => (e === 'live' ? 'LIVE' : 'test');

/**
 * Ctrl/Cmd+K: go anywhere and do anything a screen offers, by typing: organizations, views, keys,
 * and the actions (New key, Rotate a named key, Refresh, Refresh all, Export activity, Settings,
 * switch environment). The last commands run come first. Arrow keys move (the active one scrolls
 * into view), Enter runs, Escape closes.
 */
export function CommandPalette({
  organizations,
  current,
  onClose,
  go,
  ask,
}: {
  organizations: Organization[];
  /** The organization and environment on screen, for New key and Refresh. */
  current?: { org: Organization; environment: Environment };
  onClose: () => void;
  go: Go;
  ask: (intent: Intent) => void;
}) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const inputId = useId();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  const info = useAppInfo();
  useEffect(() => input.current?.focus(), []);
  // Keys come from the cached lists, so the palette never waits on a provider.
  const usage = useOverview();
  const [recent] = useState(recentIds);
  const { list: commands, more } = useMemo<{ list: Command[]; more: number }>(() => {
    const here = current && current.org.environments.includes(current.environment) ? current : undefined;
    const provider = here ? info.provider(here.org.provider) : undefined;
    const where = here ? `${here.org.name} · ${envWord(here.environment)}` : '';
    const base: Command[] = [
      ...(here && provider
        ? [
            {
              id: 'act:new-key',
              label: provider.capabilities.create === 'api' ? 'New key…' : 'New key in the dashboard…',
              hint: where,
              run: () => ask({ kind: 'new-key' }),
            },
            { id: 'act:refresh', label: 'Refresh this list', hint: where, run: () => ask({ kind: 'refresh' }) },
          ]
        : []),
      {
        id: 'act:refresh-all',
        label: 'Refresh all organizations',
        hint: 'action',
        run: () => {
          go.view('overview');
          ask({ kind: 'refresh-all' });
        },
      },
      { id: 'view:overview', label: 'Overview: all organizations', hint: 'view', run: () => go.view('overview') },
      { id: 'view:activity', label: 'Activity log', hint: 'view', run: () => go.view('activity') },
      ...(['csv', 'json'] as const).map((format) => ({
        id: `act:export-${format}`,
        label: `Export activity as ${format.toUpperCase()}`,
        hint: 'action',
        run: () => {
          go.view('activity');
          ask({ kind: 'export', format });
        },
      })),
      { id: 'env:live', label: 'Switch to LIVE', hint: 'environment', run: () => go.env('live') },
      { id: 'env:test', label: 'Switch to test', hint: 'environment', run: () => go.env('test') },
      { id: 'add', label: 'Add an organization', hint: 'action', run: () => go.add() },
      { id: 'settings', label: 'Settings: reminders, tray, remove data', hint: 'settings', run: () => go.settings() },
      ...organizations.map((o, i) => ({
        id: `org:${o.id}`,
        label: o.name,
        hint: i < 9 ? `Ctrl+${i + 1}` : 'organization',
        run: () => go.org(o.id),
      })),
    ];
    const q = text.trim().toLowerCase();
    const rows = usage.data?.rows ?? [];
    const matches = (hay: string) => hay.toLowerCase().includes(q);
    // Keys by name or last 4 (two letters at least); "rotate …" or "rot" lists the keys Keydeck can rotate.
    const keys: Command[] = [];
    const rotations: Command[] = [];
    let more = 0;
    if (q.length >= 2) {
      // Words in any order: "rot" (or any start of "rotate") asks for rotations; every other word
      // must be in the key's name, last 4, organization or environment ("rot org 099", "org 099 rotate").
      const words = q.split(/\s+/).filter(Boolean);
      const rotateWord = words.find((w) => w.length >= 2 && 'rotate'.startsWith(w));
      const rest = words.filter((w) => w !== rotateWord);
      for (const r of rows) {
        if (keys.length >= LIMIT && rotations.length >= LIMIT) break;
        const label = r.key.name || r.key.masked;
        const hint = `${r.orgName} · ${envWord(r.environment)}`;
        const hay = `${r.key.name}\u0000${r.key.masked}\u0000${r.orgName}\u0000${envWord(r.environment)}`.toLowerCase();
        const named = matches(r.key.name) || matches(r.key.masked) || words.every((w) => hay.includes(w));
        if (named && keys.length < LIMIT)
          keys.push({
            id: `key:${r.orgId}:${r.environment}:${r.key.id}`,
            label,
            hint,
            run: () => go.org(r.orgId, r.environment),
          });
        const rotatable = r.key.heldCredentialId && r.key.status !== 'revoked' && r.key.status !== 'expired';
        if (!rotatable) continue;
        if (named || (rotateWord !== undefined && rest.every((w) => hay.includes(w)))) {
          if (rotations.length < LIMIT) {
            rotations.push({
              id: `rotate:${r.orgId}:${r.environment}:${r.key.id}`,
              label: `Rotate ${label}…`,
              hint,
              run: () => {
                go.org(r.orgId, r.environment);
                ask({ kind: 'rotate', keyId: r.key.id });
              },
            });
          } else more += 1;
        }
      }
    }
    const rank = (c: Command) => {
      const i = recent.indexOf(c.id);
      return i === -1 ? RECENT_MAX : i;
    };
    const listed = base.filter(
      (c) =>
        !q || matches(c.label) || (c.hint !== undefined && c.hint !== 'action' && c.hint !== 'view' && matches(c.hint)),
    );
    // Recent first (a stable sort keeps the rest in their order).
    listed.sort((a, b) => rank(a) - rank(b));
    return { list: [...listed, ...rotations, ...keys].slice(0, 80), more };
  }, [text, organizations, usage.data, go, ask, current, info, recent]);
  // The active option is always in view, however far the arrows went.
  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);
  const choose = (c: Command | undefined) => {
    if (!c) return;
    remember(c.id);
    onClose();
    c.run();
  };
  return (
    <Dialog title="Go to…" onClose={onClose}>
      <div className="palette">
        <label htmlFor={inputId} className="visually-hidden">
          Search organizations, keys, views and actions
        </label>
        <input
          ref={input}
          id={inputId}
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={commands[active] ? `${listId}-${active}` : undefined}
          aria-autocomplete="list"
          value={text}
          placeholder="Organization, key, view or action"
          onChange={(e) => {
            setText(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, commands.length - 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              choose(commands[active]);
            }
          }}
        />
        <ul id={listId} role="listbox" aria-label="Matches" className="palette-list">
          {commands.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(c)}
            >
              <span>{c.label}</span>
              {c.hint && <span className="muted small">{c.hint}</span>}
            </li>
          ))}
          {more > 0 && (
            <li role="option" aria-selected="false" aria-disabled="true" className="muted" data-testid="palette-more">
              {more.toLocaleString()} more keys Keydeck can rotate: add an organization or key name (“rot org 099”).
            </li>
          )}
          {commands.length === 0 && (
            <li role="option" aria-selected="false" aria-disabled="true" className="muted">
              Nothing matches.
            </li>
          )}
        </ul>
      </div>
    </Dialog>
  );
}
