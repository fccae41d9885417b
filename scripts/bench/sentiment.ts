import { loadavg } from 'node:os';
import { join } from 'node:path';
import { BayesClassifier } from 'natural/lib/natural/classifiers/index.js';
import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { sharedDataDir } from '../../data/paths.ts';
import {
  defaultSentimentModel,
  evaluateSentiment,
  readLabelledTexts,
  trainSentimentModel,
  type Evaluation,
  type Scorer,
} from '../../models/sentiment/index.ts';
import { bestBalancedThreshold } from '../../models/sentiment/metrics.ts';
import { progress, type BenchResult } from './result.ts';
import { chineseSentiment, ZH_GOALS } from './_sentiment-zh.ts';

const GOALS = { balancedAccuracy: 0.75, rocAuc: 0.85, textsPerSecond: 20_000 };

const read = (name: string) =>
  readLabelledTexts({ file: join(sharedDataDir, name), textCol: 'review', labelCol: 'score', positive: 'great' });

/** natural as it comes: WordTokenizer, Porter-stemmed AFINN, threshold picked on the training file. */
function naturalAfinn(train: { texts: string[]; labels: Uint8Array }): Scorer {
  const tokenizer = new WordTokenizer();
  const analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const rawScore = (text: string) => analyzer.getSentiment(tokenizer.tokenize(text)) || 0;
  const positive = bestBalancedThreshold(Float64Array.from(train.texts, rawScore), train.labels);
  return { rawScore, thresholds: { positive }, labelOf: (score) => (score >= positive ? 'positive' : 'negative') };
}

/** natural's BayesClassifier on stemmed tokens: timed on a sample, its training cost and speed rule it out. */
function naturalBayes(train: { texts: string[]; labels: Uint8Array }, test: { texts: string[]; labels: Uint8Array }) {
  const classifier = new BayesClassifier();
  const start = performance.now();
  train.texts.forEach((text, i) => classifier.addDocument(text, train.labels[i] ? 'great' : 'other'));
  classifier.train();
  const trainSeconds = (performance.now() - start) / 1000;
  const sample = test.texts.slice(0, 300);
  const t0 = performance.now();
  for (const text of sample) classifier.classify(text);
  return { trainSeconds: round(trainSeconds), textsPerSecond: Math.round(sample.length / ((performance.now() - t0) / 1000)) };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
const summary = (e: Evaluation) => ({
  balancedAccuracy: round(e.balancedAccuracy),
  rocAuc: round(e.rocAuc),
  textsPerSecond: Math.round(e.textsPerSecond),
  textsPerCpuSecond: Math.round(e.textsPerCpuSecond),
});

/**
 * Sentiment quality and speed. English on reviews_test.csv: natural's AFINN baseline, the ablation steps, the
 * shipped model. Chinese on chnsenticorp_htl.csv by 5-fold cross-validation (_sentiment-zh.ts).
 */
export default async function sentimentBench(): Promise<BenchResult> {
  const [train, test] = [await read('reviews_train.csv'), await read('reviews_test.csv')];
  const evaluate = (scorer: Scorer) => evaluateSentiment({ scorer, ...test, passes: 5 });

  progress('natural AFINN baseline');
  const baseline = summary(evaluate(naturalAfinn(train)));

  const steps = {
    'lexicon only (cleaned, clause-scoped negation)': { unigrams: false, bigrams: false, negationMarking: false },
    '+ bag of words (stemmed unigrams)': { unigrams: true, bigrams: false, negationMarking: false },
    '+ bigrams': { unigrams: true, bigrams: true, negationMarking: false },
    '+ negation marking (shipped configuration)': { unigrams: true, bigrams: true, negationMarking: true },
  };
  const ablation: Record<string, ReturnType<typeof summary>> = {};
  for (const [step, features] of Object.entries(steps)) {
    progress(`training: ${step}`);
    ablation[step] = summary(evaluate(trainSentimentModel({ ...train, features })));
  }

  progress('shipped model (models/sentiment/pretrained/en.json)');
  const shipped = evaluate(defaultSentimentModel('en'));
  progress('natural BayesClassifier (speed only)');
  const bayes = naturalBayes(train, test);
  const zh = await chineseSentiment();

  const met =
    shipped.balancedAccuracy >= GOALS.balancedAccuracy && shipped.rocAuc >= GOALS.rocAuc && shipped.textsPerCpuSecond >= GOALS.textsPerSecond && zh.met;
  return {
    bench: 'sentiment',
    metric: 'balanced_accuracy',
    value: round(shipped.balancedAccuracy),
    unit: 'fraction',
    goal:
      `on reviews_test.csv: balanced accuracy >= ${GOALS.balancedAccuracy}, ROC-AUC >= ${GOALS.rocAuc}, ` +
      `>= ${GOALS.textsPerSecond} texts per CPU second (one thread, fastest of 5 passes; wall-clock figures beside it); ` +
      `zh, 5-fold on chnsenticorp_htl.csv, reviews without a hotel word (standing in for another domain): ` +
      `ROC-AUC >= ${ZH_GOALS.rocAuc}, balanced accuracy >= ${ZH_GOALS.balancedAccuracy}, >= ${ZH_GOALS.textsPerSecond} texts per CPU second`,
    loadAverage: round(loadavg()[0]),
    met,
    shipped: { ...summary(shipped), accuracy: round(shipped.accuracy), threshold: shipped.threshold, confusion: shipped.confusion },
    baseline: { 'natural AFINN (WordTokenizer + PorterStemmer)': baseline },
    ablation,
    naturalBayesClassifier: bayes,
    zh,
  };
}
