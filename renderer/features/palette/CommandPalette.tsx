import { useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Environment, Organization } from '../../../shared/domain.js';
import { Dialog } from '../../components/Dialog.js';
import { api, unwrap } from '../../lib/api.js';

export interface Command {
  id: string;
  label: string;
  hint?: string;
  run: () => void;
}

/**
 * Ctrl/Cmd+K: jump to any organization, environment, view or key by typing. Arrow keys move,
 * Enter runs, Escape closes.
 */
export function CommandPalette({
  organizations,
  onClose,
  go,
}: {
  organizations: Organization[];
  onClose: () => void;
  go: { org: (id: string, env?: Environment) => void; view: (v: 'overview' | 'activity') => void; env: (e: Environment) => void; add: () => void; settings: () => void };
}) {
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const inputId = useId();
  const listId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  // Keys come from the cached lists, so the palette never waits on a provider.
  const usage = useQuery({ queryKey: ['usage', 'all', 'all'], queryFn: () => unwrap(api.usage.overview({})), staleTime: 30_000 });
  const commands = useMemo<Command[]>(() => {
    const base: Command[] = [
      { id: 'view:overview', label: 'Overview: all organizations', run: () => go.view('overview') },
      { id: 'view:activity', label: 'Activity log', run: () => go.view('activity') },
      { id: 'env:live', label: 'Switch to LIVE', run: () => go.env('live') },
      { id: 'env:test', label: 'Switch to test', run: () => go.env('test') },
      { id: 'add', label: 'Add an organization', run: () => go.add() },
      { id: 'settings', label: 'Settings: reminders', run: () => go.settings() },
      ...organizations.map((o, i) => ({ id: `org:${o.id}`, label: o.name, hint: i < 9 ? `Ctrl+${i + 1}` : 'organization', run: () => go.org(o.id) })),
    ];
    const q = text.trim().toLowerCase();
    const keys: Command[] = q.length >= 2 ? (usage.data?.rows ?? []).filter((r) => r.key.name.toLowerCase().includes(q) || r.key.masked.toLowerCase().includes(q)).slice(0, 30).map((r) => ({ id: `key:${r.orgId}:${r.environment}:${r.key.id}`, label: `${r.key.name || r.key.masked}`, hint: `${r.orgName} · ${r.environment}`, run: () => go.org(r.orgId, r.environment) })) : [];
    return [...base.filter((c) => !q || c.label.toLowerCase().includes(q)), ...keys].slice(0, 60);
  }, [text, organizations, usage.data, go]);
  const choose = (c: Command | undefined) => {
    if (!c) return;
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
          placeholder="Type an organization, key, view or action"
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
            <li key={c.id} id={`${listId}-${i}`} role="option" aria-selected={i === active} className={i === active ? 'active' : undefined} onMouseDown={(e) => e.preventDefault()} onClick={() => choose(c)}>
              <span>{c.label}</span>
              {c.hint && <span className="muted small">{c.hint}</span>}
            </li>
          ))}
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
