import { TierlabError, badInput } from '../../data/errors.ts';
import { analyzeText } from './analyze.ts';
import { dimensionOf, featurize, isDenseFeature, type FeatureOptions } from './features.ts';
import { checkLanguage, languageKit, type Language } from './language.ts';
import { logit, sigmoid } from './logistic.ts';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/** Cut points on the score scale: below `negative` is negative, at or above `positive` is positive. */
export interface Thresholds {
  negative: number;
  positive: number;
}

export interface SentimentResult {
  /** 2 x P(positive) - 1, in [-1, 1]. */
  score: number;
  label: SentimentLabel;
  probability: number;
  /** natural's AFINN score per token, negation applied (the lexicon input of the model). */
  lexicon: number;
  tokens: number;
  /** True when only the first `maxTextChars` characters were read. */
  truncated: boolean;
}

/** The saved form: plain JSON, weights as base64 of float32 (sparse: only slots the training data touched). */
export interface SentimentModelJSON {
  kind: 'tierlab-sentiment';
  version: 1;
  language: Language;
  features: FeatureOptions;
  thresholds: Thresholds;
  bias: number;
  /** Slot indices of the non-zero weights, base64 of little-endian uint32. */
  slots: string;
  /** Their weights, base64 of little-endian float32. */
  weights: string;
  /** How it was made: data, sizes, validation figures. */
  training?: Record<string, unknown>;
}

/** Longer texts are scored on their start: a 1 MB paste must not hold a server thread for long. */
export const MAX_TEXT_CHARS = 20_000;

/**
 * A fitted scorer: natural's tokens and AFINN lexicon feed a logistic regression; `score` maps a text to
 * [-1, 1] and a label. Serializes to small JSON and reloads with identical scores.
 *
 * @example
 * const model = SentimentModel.fromJSON(JSON.parse(readFileSync('models/sentiment/pretrained/en.json', 'utf8')));
 * model.score('Great taste, will buy again'); // { score: 0.8, label: 'positive', ... }
 */
export class SentimentModel {
  readonly language: Language;
  readonly features: FeatureOptions;
  readonly thresholds: Thresholds;
  readonly weights: Float64Array;
  readonly bias: number;
  readonly training?: Record<string, unknown>;

  constructor(fields: Omit<SentimentModel, 'score' | 'rawScore' | 'labelOf' | 'toJSON'>) {
    this.language = fields.language;
    this.features = fields.features;
    this.thresholds = fields.thresholds;
    // float32 precision from the start, so the saved model scores exactly like the one in memory
    this.weights = Float64Array.from(fields.weights, Math.fround);
    this.bias = Math.fround(fields.bias);
    this.training = fields.training;
  }

  /** The score in [-1, 1] of one text, without validation (the hot loop of evaluation). */
  rawScore(text: string): number {
    const kit = languageKit(this.language);
    const row = featurize(analyzeText(text, kit), this.features);
    return 2 * sigmoid(logit(this, row)) - 1;
  }

  labelOf(score: number): SentimentLabel {
    return score >= this.thresholds.positive ? 'positive' : score < this.thresholds.negative ? 'negative' : 'neutral';
  }

  /**
   * Scores one text. An empty (or word-free) text is neutral with score 0 rather than the model's prior.
   */
  score(text: unknown): SentimentResult {
    if (typeof text !== 'string') throw badInput('text must be a string', { field: 'text' });
    const truncated = text.length > MAX_TEXT_CHARS;
    const kit = languageKit(this.language);
    const analysis = analyzeText(truncated ? text.slice(0, MAX_TEXT_CHARS) : text, kit);
    const tokens = analysis.terms.length;
    const lexicon = tokens ? analysis.lexiconSum / tokens : 0;
    if (!tokens) return { score: 0, label: 'neutral', probability: 0.5, lexicon, tokens, truncated };
    const probability = sigmoid(logit(this, featurize(analysis, this.features)));
    const score = 2 * probability - 1;
    return { score, label: this.labelOf(score), probability, lexicon, tokens, truncated };
  }

  toJSON(): SentimentModelJSON {
    const slots: number[] = [];
    for (let i = 0; i < this.weights.length; i++) if (this.weights[i] !== 0) slots.push(i);
    return {
      kind: 'tierlab-sentiment',
      version: 1,
      language: this.language,
      features: this.features,
      thresholds: this.thresholds,
      bias: this.bias,
      slots: Buffer.from(Uint32Array.from(slots).buffer).toString('base64'),
      weights: Buffer.from(Float32Array.from(slots, (slot) => this.weights[slot]).buffer).toString('base64'),
      ...(this.training ? { training: this.training } : {}),
    };
  }

  /** Rebuilds a model saved by `toJSON`; throws a TierlabError on anything else. */
  static fromJSON(json: unknown): SentimentModel {
    const saved = json as Partial<SentimentModelJSON> | null;
    if (saved?.kind !== 'tierlab-sentiment' || saved.version !== 1) {
      throw new TierlabError('unprocessable', 'not a Tierlab sentiment model (kind "tierlab-sentiment", version 1)');
    }
    const features = saved.features!;
    const unknown = (features.dense as unknown[] | undefined)?.find((name) => !isDenseFeature(name));
    if (unknown !== undefined) throw new TierlabError('unprocessable', `sentiment model names an unknown input "${String(unknown)}"`);
    const slots = decode(saved.slots!, Uint32Array);
    const values = decode(saved.weights!, Float32Array);
    const weights = new Float64Array(dimensionOf(features));
    if (slots.length !== values.length || slots.some((slot) => slot >= weights.length)) {
      throw new TierlabError('unprocessable', 'sentiment model weights do not match its slots');
    }
    slots.forEach((slot, k) => (weights[slot] = values[k]));
    return new SentimentModel({
      language: checkLanguage(saved.language!),
      features,
      thresholds: saved.thresholds!,
      weights,
      bias: saved.bias!,
      training: saved.training,
    });
  }
}

function decode<T extends Uint32Array | Float32Array>(base64: string, type: { new (buffer: ArrayBuffer): T }): T {
  const bytes = Buffer.from(base64, 'base64');
  // copy into a fresh, aligned buffer: Node's pooled Buffers may start at any offset
  return new type(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}
