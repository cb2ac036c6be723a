import type { Environment } from '../../../shared/domain.js';

/** Live / test switch. Live is red and says so in words, so it is never mistaken for test. */
export function EnvSwitch({ value, onChange }: { value: Environment; onChange: (e: Environment) => void }) {
  return (
    <div className="env-switch" role="radiogroup" aria-label="Environment">
      {(['live', 'test'] as const).map((env) => (
        <button
          key={env}
          type="button"
          role="radio"
          aria-checked={value === env}
          className={`env-option env-${env} ${value === env ? 'active' : ''}`}
          onClick={() => onChange(env)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') onChange(env === 'live' ? 'test' : 'live');
          }}
          tabIndex={value === env ? 0 : -1}
        >
          {env === 'live' ? 'LIVE' : 'Test'}
        </button>
      ))}
    </div>
  );
}
