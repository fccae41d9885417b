import { accuracy, balancedAccuracy, confusion, rocAuc, type Confusion } from './metrics.ts';
import type { SentimentLabel } from './model.ts';

/** Anything that maps a text to a score (higher = more positive) and a label. */
export interface Scorer {
  rawScore(text: string): number;
  labelOf(score: number): SentimentLabel;
  thresholds: { positive: number };
}

export interface EvaluateOptions {
  scorer: Scorer;
  texts: string[];
  labels: Uint8Array;
  /** Timed passes over the texts; the fastest counts, since other work on a shared machine only slows a pass. */
  passes?: number;
}

export interface Evaluation {
  rows: number;
  positives: number;
  /** Binary decision: positive when score >= thresholds.positive. */
  threshold: number;
  accuracy: number;
  balancedAccuracy: number;
  /** Of the raw score against the label: no threshold involved. */
  rocAuc: number;
  confusion: Confusion;
  /** Three-way labels against the binary truth, e.g. how many true positives fall in "neutral". */
  labelCounts: Record<'positive' | 'other', Record<SentimentLabel, number>>;
  /** Texts per second of wall time, fastest pass. */
  textsPerSecond: number;
  /** Texts per second of this process's CPU time, fastest pass: what the code costs, whatever else runs. */
  textsPerCpuSecond: number;
}

/**
 * Scores labelled texts and reports quality and throughput.
 *
 * @example
 * const report = evaluateSentiment({ scorer: model, texts, labels });
 * report.rocAuc; // e.g. 0.88
 */
export function evaluateSentiment(options: EvaluateOptions): Evaluation {
  const { scorer, texts, labels } = options;
  const scores = new Float64Array(texts.length);
  let bestMs = Infinity;
  let bestCpuMs = Infinity;
  for (let pass = 0; pass < (options.passes ?? 1); pass++) {
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < texts.length; i++) scores[i] = scorer.rawScore(texts[i]);
    const cpu = process.cpuUsage(cpuStart);
    bestMs = Math.min(bestMs, performance.now() - start);
    bestCpuMs = Math.min(bestCpuMs, (cpu.user + cpu.system) / 1000);
  }
  const matrix = confusion(scores, labels, scorer.thresholds.positive);
  const labelCounts: Evaluation['labelCounts'] = {
    positive: { negative: 0, neutral: 0, positive: 0 },
    other: { negative: 0, neutral: 0, positive: 0 },
  };
  scores.forEach((score, i) => labelCounts[labels[i] ? 'positive' : 'other'][scorer.labelOf(score)]++);
  return {
    rows: texts.length,
    positives: labels.reduce((a, b) => a + b, 0),
    threshold: scorer.thresholds.positive,
    accuracy: accuracy(matrix),
    balancedAccuracy: balancedAccuracy(matrix),
    rocAuc: rocAuc(scores, labels),
    confusion: matrix,
    labelCounts,
    textsPerSecond: texts.length / (bestMs / 1000),
    textsPerCpuSecond: texts.length / (bestCpuMs / 1000),
  };
}
