import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TierlabError, notFound } from '../../data/errors.ts';
import { DEFAULT_FEATURES, DENSE_FEATURES, dimensionOf } from './features.ts';
import type { Language } from './language.ts';
import { SentimentModel } from './model.ts';

const cache = new Map<Language, SentimentModel>();

/** The shipped model file of a language (made by `tierlab sentiment train`, see models/sentiment/README.md). */
export function pretrainedPath(language: Language): string {
  return join(import.meta.dirname, 'pretrained', `${language}.json`);
}

/**
 * The model a language scores with when none is given: the shipped pretrained file, or for a language with no
 * labelled data yet (Portuguese), the AFINN lexicon alone: score = 2 x sigmoid(4 x mean polarity per token) - 1,
 * neutral within +-0.1.
 *
 * @example
 * defaultSentimentModel('en').score('Love it').label; // 'positive'
 */
export function defaultSentimentModel(language: Language = 'en'): SentimentModel {
  let model = cache.get(language);
  if (model) return model;
  const path = pretrainedPath(language);
  model = existsSync(path) ? SentimentModel.fromJSON(JSON.parse(readFileSync(path, 'utf8'))) : lexiconOnlyModel(language);
  cache.set(language, model);
  return model;
}

/** A model with no fitted weights: the lexicon mean, scaled. */
export function lexiconOnlyModel(language: Language): SentimentModel {
  const features = { ...DEFAULT_FEATURES, hashBits: 1, unigrams: false, bigrams: false };
  const weights = new Float64Array(dimensionOf(features));
  weights[2 ** features.hashBits + DENSE_FEATURES.indexOf('lexicon_mean')] = 4;
  return new SentimentModel({ language, features, thresholds: { negative: -0.1, positive: 0.1 }, weights, bias: 0, training: { kind: 'lexicon-only' } });
}

/** Loads a saved model file, naming it when it is missing. */
export function loadSentimentModel(path: string): SentimentModel {
  if (!existsSync(path)) throw notFound('no such model file', { file: path });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new TierlabError('bad_file', 'model file is not JSON', { file: path });
  }
  return SentimentModel.fromJSON(json);
}
