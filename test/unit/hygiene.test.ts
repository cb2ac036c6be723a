import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, newRecording } from '../e2e/hygiene.js';

describe('the secret-hygiene check itself', () => {
  const canary = 'lgh_live_CANARYabcdefghijklmnop1234';
  it('finds a canary in a WebSocket answer, a DOM string and a file, and allows only the explicit reveals', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-hygiene-'));
    const rec = newRecording();
    rec.frames.push(
      { channel: 'keys.list', payload: `{"x":"${canary}"}` },
      { channel: 'keys.create', payload: `{"secret":"${canary}"}` },
    );
    rec.dom.push(
      { text: `Error: ${canary}`, allowed: false, where: 'p' },
      { text: canary, allowed: true, where: 'code.secret' },
    );
    // The key cache is a folder of small files (key-cache/<org>.<env>.json): the scan goes into folders.
    mkdirSync(join(dir, 'key-cache'));
    writeFileSync(join(dir, 'key-cache', 'org_abcdefgh.live.json'), `{"k":"${canary}"}`);
    writeFileSync(join(dir, '.env'), `K=${canary}\n`);
    const result = check(rec, [canary], dir, [join(dir, '.env')], mkdtempSync(join(tmpdir(), 'kd-empty-')));
    expect(result.hits).toHaveLength(3);
    expect(result.hits.join('\n')).toMatch(/keys\.list[\s\S]*DOM \(p\)[\s\S]*key-cache[/\\]org_abcdefgh\.live\.json/);
    expect(result.hits.join('\n')).not.toContain(canary);
    expect(result.allowedReveals).toBe(3);
  });
  it('finds nothing when nothing leaked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kd-hygiene-'));
    mkdirSync(join(dir, 'key-cache'));
    writeFileSync(join(dir, 'key-cache', 'org_abcdefgh.live.json'), '{"masked":"lgh_live_••••1234"}');
    expect(check(newRecording(), [canary], dir, [], mkdtempSync(join(tmpdir(), 'kd-empty-'))).hits).toEqual([]);
  });
});
