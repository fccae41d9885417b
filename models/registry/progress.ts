/**
 * Honest progress for a retrain: each stage weighs what it cost last time on this home (<home>/registry/
 * stage-seconds.json), or the default below, so the fraction moves with time spent rather than with stages counted
 * (the churn stage alone is most of a run). Within a stage the fraction creeps toward the stage's end as its
 * expected time passes, never past it; `finish` says 1.
 */

import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The stages in the order a run reaches them; `save` covers writing the version, tier history and migration. */
export const STAGES = ['ingest', 'sentiment', 'features', 'tiers', 'clv', 'segments', 'churn', 'pages', 'save'] as const;
export type Stage = (typeof STAGES)[number];

/**
 * Seconds per stage of the first `tierlab retrain` on the demo (`tierlab demo && tierlab retrain`, 2 shared cores,
 * 2026-12-05; the run writes its own into stage-seconds.json), for a home that has no run of its own yet.
 * Ingest is 0: most runs load nothing.
 */
export const DEFAULT_STAGE_SECONDS: Record<Stage, number> = { ingest: 0, sentiment: 0.4, features: 0.2, tiers: 0.05, clv: 3, segments: 2.4, churn: 21.7, pages: 0.3, save: 0.7 };

const costFile = (home: string) => join(home, 'registry', 'stage-seconds.json');

function readCosts(home: string): Record<Stage, number> {
  if (!existsSync(costFile(home))) return { ...DEFAULT_STAGE_SECONDS };
  try {
    return { ...DEFAULT_STAGE_SECONDS, ...(JSON.parse(readFileSync(costFile(home), 'utf8')) as Partial<Record<Stage, number>>) };
  } catch {
    return { ...DEFAULT_STAGE_SECONDS }; // unreadable: the defaults serve as well as a guess can
  }
}

const isStage = (step: string): step is Stage => (STAGES as readonly string[]).includes(step);

/**
 * @example
 * const clock = new StageClock(home);
 * clock.enter('features'); ... clock.fraction(); // e.g. 0.07
 * clock.finish(); // 1, and the stage times saved for the next run
 */
export class StageClock {
  private readonly expected: Record<Stage, number>;
  private readonly total: number;
  private readonly measured: Partial<Record<Stage, number>> = {};
  private readonly startedAt = performance.now();
  private current: Stage | undefined;
  private currentSince = 0;

  constructor(private readonly home: string, private readonly now = () => performance.now()) {
    this.expected = readCosts(home);
    // A stage that took no time last run still gets a sliver, so entering it shows.
    this.total = STAGES.reduce((sum, s) => sum + Math.max(this.expected[s], 0.01), 0);
  }

  /** Marks the start of a stage (steps that are not stages, such as `clv warning`, are ignored). */
  enter(step: string): void {
    if (!isStage(step) || step === this.current) return;
    this.close();
    this.current = step;
    this.currentSince = this.now();
  }

  get stage(): Stage | undefined {
    return this.current;
  }

  elapsedSeconds(): number {
    return Math.round((this.now() - this.startedAt) / 100) / 10;
  }

  /** 0..1: the expected cost of the stages before the current one, and of the current one's elapsed part (at most 95% of it). */
  fraction(): number {
    if (!this.current) return 0;
    const index = STAGES.indexOf(this.current);
    const before = STAGES.slice(0, index).reduce((sum, s) => sum + Math.max(this.expected[s], 0.01), 0);
    const weight = Math.max(this.expected[this.current], 0.01);
    const spent = (this.now() - this.currentSince) / 1000;
    return Math.min(0.99, (before + weight * Math.min(0.95, spent / weight)) / this.total);
  }

  /** The run is over: 1, and the measured stage times kept for the next run's weights. */
  finish(): number {
    this.close();
    const costs = { ...this.expected, ...this.measured };
    const temp = `${costFile(this.home)}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(costs, null, 2)}\n`);
    renameSync(temp, costFile(this.home));
    return 1;
  }

  private close(): void {
    if (this.current) this.measured[this.current] = Math.round((this.now() - this.currentSince) / 10) / 100;
    this.current = undefined;
  }
}
