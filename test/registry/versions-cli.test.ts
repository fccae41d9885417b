import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Registry } from '../../models/registry/registry.ts';
import { listVersions, parseVersion } from '../../services/model-versions.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');

async function tierlab(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, TIERLAB_HOME: home, DOTENV_CONFIG_QUIET: 'true' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const manifest = (asOf: string) => ({
  created_at: new Date().toISOString(),
  data_snapshot: { as_of: asOf, from: null, to: null, rows: { customers: 1, transactions: 0, feedback: 0 }, content_hash: 'sha256:x' },
  config: {},
  libraries: {},
  backend: 'cpu',
  evaluation: {},
});

describe('model versions: one service for tierlab models and the API', () => {
  it('lists the versions the service lists, and reads a version number the way the API does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'versions-'));
    const registry = new Registry(home);
    await registry.write(manifest('2024-01-01'), {});
    await registry.write(manifest('2024-02-01'), {});
    registry.activate(2);
    const listed = await tierlab(home, 'models', 'list', '--json');
    expect(listed.code).toBe(0);
    const { versions } = listVersions(home);
    expect(versions.map((v) => [v.version, v.active, v.as_of])).toEqual([[1, false, '2024-01-01'], [2, true, '2024-02-01']]);
    expect(JSON.parse(listed.stdout)).toEqual(versions.map(({ version, active, created_at, as_of, figures }) => ({ version, active, created_at, as_of, ...figures })));
    // "1.0" was version 1 to the CLI and a 400 to the API; now both refuse it, with the same words.
    expect(() => parseVersion('1.0')).toThrow(/version must be a positive whole number, got "1.0"/);
    const refused = await tierlab(home, 'models', 'activate', '1.0');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/version must be a positive whole number, got "1.0"/);
    expect(listVersions(home).versions.find((v) => v.active)?.version).toBe(2);
  });
});
