import type { LanguageSetting } from '../../data/text-language.ts';
import { SentimentSet } from '../../models/sentiment/sentiment-set.ts';
import type { SentimentRequest } from '../contracts.ts';
import type { RouteInput } from '../context.ts';
import type { Values } from '../validate.ts';

let models: SentimentSet | undefined;

/** POST /api/sentiment: scores texts with the shipped sentiment models, each text in its language. */
export async function scoreTexts({ body }: RouteInput<Values, SentimentRequest>) {
  models ??= SentimentSet.shipped();
  const setting = (body.language ?? 'auto') as LanguageSetting;
  const scores = (body.texts as string[]).map((text) => {
    const { score, label, probability, truncated, language } = models!.score(text, setting);
    return { score, label, probability, truncated, language };
  });
  return { scores };
}
