import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TierlabError } from '../../data/errors.ts';
import {
  MAX_TEXT_CHARS,
  SentimentModel,
  defaultSentimentModel,
  lexiconOnlyModel,
  pretrainedPath,
  trainSentimentModel,
} from '../../models/sentiment/index.ts';

// A small labelled set in the shape of real reviews: enough for a fit, not a quality claim.
const good = ['Great taste, my kids love it', 'Excellent coffee, will buy again', 'Fresh and delicious, highly recommend',
  'Best tea I have had, wonderful aroma', 'Perfect snack, tasty and healthy', 'Love this brand, great value'];
const bad = ['Stale and bland, not worth it', 'Arrived broken, terrible packaging', 'Tastes awful, I want a refund',
  'Not good at all, too salty', 'Disappointed, the flavor is weak', 'Horrible smell, threw it away'];
const texts = [...good, ...bad, ...good.map((t) => `${t}!`), ...bad.map((t) => `${t}.`)];
const labels = Uint8Array.from(texts, (t) => +good.some((g) => t.startsWith(g)));
const probes = ['Great taste', 'not great, too salty', 'meh', 'I love it 😍', 'the box was terrible but the tea is excellent'];

describe('SentimentModel', () => {
  const model = trainSentimentModel({ texts, labels, folds: 3, minDocFreq: 1 });

  it('ranks the training texts in the labelled order and keeps scores in [-1, 1]', () => {
    const scores = texts.map((t) => model.score(t).score);
    for (const s of scores) expect(Math.abs(s)).toBeLessThanOrEqual(1);
    const meanOf = (want: number) => scores.filter((_, i) => labels[i] === want).reduce((a, b) => a + b, 0) / texts.length;
    expect(meanOf(1)).toBeGreaterThan(meanOf(0));
    expect(model.thresholds.negative).toBeLessThanOrEqual(model.thresholds.positive);
  });

  it('round-trips through JSON with identical scores', () => {
    const copy = SentimentModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(copy.thresholds).toEqual(model.thresholds);
    expect(copy.features).toEqual(model.features);
    for (const text of [...probes, ...texts]) expect(copy.score(text)).toEqual(model.score(text));
  });

  it('the shipped English model is small, reloads identically and serves as the default', () => {
    expect(statSync(pretrainedPath('en')).size).toBeLessThan(1_000_000);
    const shipped = defaultSentimentModel('en');
    const copy = SentimentModel.fromJSON(JSON.parse(JSON.stringify(shipped.toJSON())));
    for (const text of probes) expect(copy.score(text)).toEqual(shipped.score(text));
    expect(shipped.score('Great taste, will buy again').label).toBe('positive');
    expect(shipped.score('Terrible, stale and tasteless. Do not buy').label).toBe('negative');
  });

  it('gives a clear result for empty and huge texts, and a named error for non-text', () => {
    expect(model.score('')).toMatchObject({ score: 0, label: 'neutral', tokens: 0, truncated: false });
    expect(model.score('  <br/> !!! ')).toMatchObject({ score: 0, label: 'neutral', tokens: 0 });
    const huge = 'The coffee is great but the lid leaks. '.repeat(27_000); // ~1 MB
    const result = model.score(huge);
    expect(result.truncated).toBe(true);
    expect(Number.isFinite(result.score)).toBe(true);
    expect(result).toEqual({ ...model.score(huge.slice(0, MAX_TEXT_CHARS)), truncated: true });
    expect(() => model.score(42)).toThrow(TierlabError);
    expect(() => model.score(undefined)).toThrow(/text must be a string/);
  });

  it('rejects a file that is not a sentiment model', () => {
    expect(() => SentimentModel.fromJSON({ kind: 'other' })).toThrow(TierlabError);
    expect(() => SentimentModel.fromJSON(null)).toThrow(TierlabError);
    const json = model.toJSON();
    expect(() => SentimentModel.fromJSON({ ...json, slots: Buffer.from(Uint32Array.from([2 ** 30]).buffer).toString('base64') })).toThrow(/do not match/);
  });

  it('Portuguese falls back to the lexicon alone', () => {
    const pt = defaultSentimentModel('pt');
    expect(pt.language).toBe('pt');
    expect(pt.score('produto excelente, adorei').label).toBe('positive');
    expect(pt.score('não gostei, produto ruim').label).toBe('negative');
    expect(lexiconOnlyModel('pt').score('chegou').label).toBe('neutral');
  });
});
