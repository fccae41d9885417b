import { LANGUAGE_SETTINGS, type LanguageSetting } from '../../data/text-language.ts';
import { SentimentSet } from '../../models/sentiment/sentiment-set.ts';
import type { RouteInput } from '../context.ts';
import type { Schema } from '../validate.ts';

export const SENTIMENT_BODY: Schema = {
  texts: { type: 'string[]', required: true, minItems: 1, maxItems: 1000, description: '1 to 1,000 texts' },
  language: { type: 'string', enum: [...LANGUAGE_SETTINGS], description: 'default auto: each text by its script (Han characters: zh, else en)' },
};

let models: SentimentSet | undefined;

/** POST /api/sentiment: scores texts with the shipped sentiment models, each text in its language. */
export async function scoreTexts({ body }: RouteInput) {
  models ??= SentimentSet.shipped();
  const setting = (body.language ?? 'auto') as LanguageSetting;
  const scores = (body.texts as string[]).map((text) => {
    const { score, label, probability, truncated, language } = models!.score(text, setting);
    return { score, label, probability, truncated, language };
  });
  return { scores };
}
