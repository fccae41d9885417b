import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STAGE_SECONDS, StageClock, STAGES } from '../../models/registry/progress.ts';

function home(): string {
  const dir = mkdtempSync(join(tmpdir(), 'progress-'));
  mkdirSync(join(dir, 'registry'));
  return dir;
}

/** Runs the stages on a fake clock, each taking `seconds[stage]`, sampling the fraction every half second. */
function run(dir: string, seconds: Record<string, number>): number[] {
  let now = 0;
  const clock = new StageClock(dir, () => now);
  const samples: number[] = [];
  for (const stage of STAGES) {
    clock.enter(stage);
    for (let t = 0; t < seconds[stage]; t += 0.5) {
      samples.push(clock.fraction());
      now += 500;
    }
  }
  samples.push(clock.finish());
  return samples;
}

describe('retrain progress weighted by stage cost', () => {
  const slowChurn = { ingest: 0, sentiment: 1, features: 1, tiers: 0.5, clv: 1, segments: 1, churn: 12, save: 1.5 };

  it('moves steadily through a long churn stage and ends at 1', () => {
    const samples = run(home(), DEFAULT_STAGE_SECONDS);
    expect(samples.at(-1)).toBe(1);
    for (let i = 1; i < samples.length; i++) expect(samples[i]).toBeGreaterThanOrEqual(samples[i - 1]);
    // Half-way through churn (the stage the old bar sat at 13% in) the bar is past a third.
    const before = STAGES.slice(0, STAGES.indexOf('churn')).reduce((s, stage) => s + DEFAULT_STAGE_SECONDS[stage], 0);
    const midChurn = samples[Math.round((before + DEFAULT_STAGE_SECONDS.churn / 2) / 0.5)];
    expect(midChurn).toBeGreaterThan(0.35);
    expect(midChurn).toBeLessThan(0.75);
  });

  it('weighs the next run by the stage times this one measured', () => {
    const dir = home();
    run(dir, slowChurn);
    const saved = JSON.parse(readFileSync(join(dir, 'registry', 'stage-seconds.json'), 'utf8'));
    expect(saved.churn).toBeCloseTo(12, 1);
    // With the measured weights, every sample of the second run is within 10% of the share of time spent.
    const samples = run(dir, slowChurn);
    const total = Object.values(slowChurn).reduce((a, b) => a + b, 0);
    samples.slice(0, -1).forEach((fraction, i) => expect(Math.abs(fraction - (i * 0.5) / total)).toBeLessThan(0.1));
  });

  it('ignores steps that are not stages, and never passes the end of the current stage', () => {
    let now = 0;
    const clock = new StageClock(home(), () => now);
    clock.enter('sentiment');
    clock.enter('clv warning');
    expect(clock.stage).toBe('sentiment');
    now += 600_000;
    const next = STAGES.slice(0, 2).reduce((s, stage) => s + Math.max(DEFAULT_STAGE_SECONDS[stage], 0.01), 0);
    const total = STAGES.reduce((s, stage) => s + Math.max(DEFAULT_STAGE_SECONDS[stage], 0.01), 0);
    expect(clock.fraction()).toBeLessThan(next / total);
  });
});
