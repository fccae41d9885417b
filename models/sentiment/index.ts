/**
 * Feedback sentiment: a language's tokenizer and lexicon (natural and AFINN for English; jieba and Tierlab's
 * lexicon for Chinese) feed a logistic regression fitted on labelled reviews; scores in [-1, 1] with negative /
 * neutral / positive labels, a model per language picked per text, per-customer features in SQL.
 */
export { LANGUAGES, checkLanguage, type Language } from './language.ts';
export { cleanText } from './clean.ts';
export { analyzeText, type Analysis } from './analyze.ts';
export { SentimentModel, MAX_TEXT_CHARS, type SentimentResult, type SentimentLabel, type SentimentModelJSON, type Thresholds } from './model.ts';
export { crossValidateSentiment, trainSentimentModel, type TrainOptions } from './train.ts';
export { evaluateSentiment, type Evaluation, type Scorer } from './evaluate.ts';
export { readLabelledTexts, type LabelledTexts, type LabelledTextsOptions } from './csv.ts';
export { defaultSentimentModel, lexiconOnlyModel, loadSentimentModel, pretrainedPath } from './pretrained.ts';
export { scoreFeedbackTable, sentimentFeatureSql, DEFAULT_SENTIMENT_FEATURES, type ScoreFeedbackOptions, type ScoredFeedback, type SentimentFeatureOptions } from './feedback.ts';
export { SentimentSet, type SentimentSetJSON, type SentimentSetOptions } from './sentiment-set.ts';
export { detectLanguage, resolveLanguage, DETECT_DEFAULTS, type DetectOptions } from './detect.ts';
