import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEPS } from '../../models/pipeline.ts';
import type { RunRecord } from '../../models/registry/runs.ts';

const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');

function tierlab(home: string, args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, TIERLAB_HOME: home }, encoding: 'utf8', timeout: 300_000 });
}

/** Starts a retrain and SIGKILLs it as soon as it announces `step`; resolves once the process is gone. */
function killDuring(home: string, step: string): Promise<string | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'retrain'], { env: { ...process.env, TIERLAB_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    child.stderr.on('data', (chunk: Buffer) => {
      text += chunk;
      if (text.includes(`"step":"${step}"`)) child.kill('SIGKILL');
    });
    child.once('close', (_code, signal) => resolve(signal));
  });
}

describe('a retrain that dies', () => {
  it('is recorded as failed: interrupted with its stage, by tierlab runs and by the next retrain', async () => {
    const home = mkdtempSync(join(tmpdir(), 'interrupted-'));
    expect(tierlab(home, ['demo', '--customers', '800', '--seed', '5']).status).toBe(0);

    expect(await killDuring(home, 'clv')).toBe('SIGKILL');
    expect(existsSync(join(home, 'registry', 'retrain.lock'))).toBe(true);
    const listed = tierlab(home, ['runs', '--json']);
    expect(listed.status, listed.stderr).toBe(0);
    const [run] = JSON.parse(listed.stdout) as RunRecord[];
    expect(run).toMatchObject({ outcome: 'failed', error_code: 'interrupted' });
    // Killed once the clv stage was announced: it was in that stage or, at most, a later one.
    expect(STEPS.indexOf(run.stage as (typeof STEPS)[number])).toBeGreaterThanOrEqual(STEPS.indexOf('clv'));
    expect(run.reason).toContain(`interrupted during stage ${run.stage}`);
    expect(tierlab(home, ['runs']).stdout).toContain('failed');

    // A second crash, found by the next retrain rather than by `tierlab runs`; that retrain then finishes.
    expect(await killDuring(home, 'tiers')).toBe('SIGKILL');
    const next = tierlab(home, ['retrain', '--json']);
    expect(next.status, next.stderr).toBe(0);
    expect(next.stderr).toContain('interrupted run recorded');
    const runs = JSON.parse(tierlab(home, ['runs', '--json']).stdout) as RunRecord[];
    expect(runs.map((r) => r.error_code ?? r.outcome)).toEqual(['interrupted', 'interrupted', 'promoted']);
    expect(existsSync(join(home, 'registry', 'retrain.lock'))).toBe(false);
  }, 300_000);
});
