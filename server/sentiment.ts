import { existsSync, readFileSync } from 'node:fs';
import { notFound } from '../data/errors.ts';
import { join } from 'node:path';
import { checkLanguage, type Language } from '../models/sentiment/language.ts';
import { SentimentModel } from '../models/sentiment/model.ts';
import type { RouteInput } from './context.ts';
import type { Schema } from './validate.ts';

export const SENTIMENT_BODY: Schema = {
  texts: { type: 'string[]', required: true, minItems: 1, maxItems: 1000, description: '1 to 1,000 texts' },
  language: { type: 'string', enum: ['en', 'pt'], description: 'default en' },
};

const models = new Map<Language, SentimentModel>();

/** The shipped scorer of a language, read once. */
function scorer(language: Language): SentimentModel {
  let model = models.get(language);
  if (!model) {
    const file = join(import.meta.dirname, '..', 'models', 'sentiment', 'pretrained', `${language}.json`);
    if (!existsSync(file)) throw notFound(`no sentiment model is shipped for language ${language}`, { field: 'language' });
    model = SentimentModel.fromJSON(JSON.parse(readFileSync(file, 'utf8')));
    models.set(language, model);
  }
  return model;
}

/** POST /api/sentiment: scores texts with the shipped sentiment model. */
export async function scoreTexts({ body }: RouteInput) {
  const model = scorer(checkLanguage(body.language ?? 'en'));
  const scores = (body.texts as string[]).map((text) => {
    const { score, label, probability, truncated } = model.score(text);
    return { score, label, probability, truncated };
  });
  return { scores };
}
