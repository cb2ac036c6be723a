import { useRef } from 'react';
import type { Environment } from '../../../shared/domain.js';

const LABEL: Record<Environment, string> = { live: 'LIVE', test: 'Test' };

/**
 * Live / test switch. Live is red and says so in words, so it is never mistaken for test.
 * A radiogroup with a roving tabindex: the selected radio is the one Tab reaches; the arrow keys
 * select the other one and move focus to it. A provider with one environment gets no switch, only
 * that environment's name.
 */
export function EnvSwitch({
  value,
  onChange,
  environments = ['live', 'test'],
}: {
  value: Environment;
  onChange: (e: Environment) => void;
  environments?: readonly Environment[];
}) {
  const radios = useRef<Partial<Record<Environment, HTMLButtonElement | null>>>({});
  if (environments.length === 1) {
    const only = environments[0]!;
    return (
      <div className="env-switch env-single" data-testid="env-single">
        <span className={`env-option env-${only} active`}>{LABEL[only]}</span>
      </div>
    );
  }
  const choose = (next: Environment) => {
    if (next !== value) onChange(next);
    // Focus follows the selection (the OrgView stays mounted across a switch, so these buttons do too).
    radios.current[next]?.focus();
  };
  return (
    <div className="env-switch" role="radiogroup" aria-label="Environment">
      {environments.map((env, i) => (
        <button
          key={env}
          ref={(el) => {
            radios.current[env] = el;
          }}
          type="button"
          role="radio"
          aria-checked={value === env}
          className={`env-option env-${env} ${value === env ? 'active' : ''}`}
          onClick={() => onChange(env)}
          onKeyDown={(e) => {
            const step =
              e.key === 'ArrowRight' || e.key === 'ArrowDown'
                ? 1
                : e.key === 'ArrowLeft' || e.key === 'ArrowUp'
                  ? -1
                  : 0;
            if (step === 0) return;
            e.preventDefault();
            choose(environments[(i + step + environments.length) % environments.length]!);
          }}
          tabIndex={value === env ? 0 : -1}
        >
          {LABEL[env]}
        </button>
      ))}
    </div>
  );
}
