import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDataDir } from '../../data/paths.ts';
import { defaultSentimentModel, evaluateSentiment, pretrainedPath, readLabelledTexts, trainSentimentModel } from '../../models/sentiment/index.ts';

const read = (name: string) => readLabelledTexts({ file: join(sharedDataDir, name), textCol: 'review', labelCol: 'score', positive: 'great' });

describe.skipIf(!existsSync(sharedDataDir))('sentiment quality on the labelled reviews (needs ../shared/data)', () => {
  it('the shipped model reaches balanced accuracy >= 0.75 and ROC-AUC >= 0.85 on reviews_test.csv', async () => {
    const test = await read('reviews_test.csv');
    expect(test.texts).toHaveLength(1000);
    const report = evaluateSentiment({ scorer: defaultSentimentModel('en'), ...test });
    expect(report.balancedAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(report.rocAuc).toBeGreaterThanOrEqual(0.85);
  });

  it('training on reviews_train.csv reproduces the shipped file exactly', async () => {
    const train = await read('reviews_train.csv');
    const source = { file: 'reviews_train.csv', textCol: 'review', labelCol: 'score', positive: 'great' };
    const model = trainSentimentModel({ ...train, language: 'en', source });
    expect(`${JSON.stringify(model.toJSON())}\n`).toBe(readFileSync(pretrainedPath('en'), 'utf8'));
  });
});

const hotels = join(sharedDataDir, 'chnsenticorp_htl.csv');

describe.skipIf(!existsSync(hotels))('Chinese sentiment on the hotel reviews (needs ../shared/data)', () => {
  it('training on chnsenticorp_htl.csv reproduces the shipped zh file exactly, with its 5-fold figures', async () => {
    const data = await readLabelledTexts({ file: hotels, textCol: 'review', labelCol: 'label', positive: '1' });
    expect(data.texts).toHaveLength(7765);
    const source = { file: 'chnsenticorp_htl.csv', textCol: 'review', labelCol: 'label', positive: '1' };
    const model = trainSentimentModel({ ...data, language: 'zh', source });
    expect(`${JSON.stringify(model.toJSON())}\n`).toBe(readFileSync(pretrainedPath('zh'), 'utf8'));
    const cv = model.training!.crossValidation as { rocAuc: number; balancedAccuracy: number };
    expect(cv.rocAuc).toBeGreaterThanOrEqual(0.95);
    expect(cv.balancedAccuracy).toBeGreaterThanOrEqual(0.88);
  });
});
