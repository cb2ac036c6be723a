import { useId } from 'react';
import type { Environment } from '../../shared/domain.js';

/** Live or test, for a key Keydeck cannot read its environment from (a provider that publishes no prefix). */
export function EnvironmentChoice({ value, onChange }: { value: Environment; onChange: (env: Environment) => void }) {
  const name = useId();
  return (
    <div className="env-choice" role="radiogroup" aria-label="Environment of this key">
      {(['live', 'test'] as const).map((env) => (
        <label key={env} className="field-inline">
          <input type="radio" name={name} value={env} checked={value === env} onChange={() => onChange(env)} />
          {env === 'live' ? 'Live' : 'Test'}
        </label>
      ))}
    </div>
  );
}
