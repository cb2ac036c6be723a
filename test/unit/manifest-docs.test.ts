import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { README_PATH, SCHEMA_PATH, readmeWithMatrix, schemaText } from '../../scripts/manifest-docs.js';

describe('what the repository publishes from the manifests (npm run manifests)', () => {
  it('docs/provider-manifest.schema.json is the schema Keydeck checks manifests with', () => {
    expect(readFileSync(SCHEMA_PATH, 'utf8')).toBe(schemaText());
    const schema = JSON.parse(schemaText()) as { required: string[]; additionalProperties: boolean };
    expect(schema.required).toEqual(
      expect.arrayContaining(['manifestVersion', 'id', 'displayName', 'keys', 'baseUrl', 'calls', 'dashboard']),
    );
    // Strict, as Keydeck is: an editor flags a misspelt field too.
    expect(schema.additionalProperties).toBe(false);
  });

  it('the README capability matrix is generated from the built-in manifests', () => {
    const readme = readFileSync(README_PATH, 'utf8');
    expect(readme).toBe(readmeWithMatrix(readme));
    expect(readme).toContain('| create | dashboard | API `POST /api/keys` |');
  });
});
