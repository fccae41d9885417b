import { TierlabError, badInput } from '../../data/errors.ts';
import type { LanguageSetting } from '../../data/text-language.ts';
import { DETECT_DEFAULTS, resolveLanguage } from './detect.ts';
import { LANGUAGES, checkLanguage, type Language } from './language.ts';
import { SentimentModel, type SentimentModelJSON, type SentimentResult } from './model.ts';
import { defaultSentimentModel } from './pretrained.ts';

/** The saved form: every language's model, and the language of text that is not Chinese under `auto`. */
export interface SentimentSetJSON {
  kind: 'tierlab-sentiment-set';
  version: 1;
  fallback: Language;
  models: Partial<Record<Language, SentimentModelJSON>>;
}

export interface SentimentSetOptions {
  models: SentimentModel[];
  /** Under `auto`, a text without Han characters is scored in this language. Default en. */
  fallback?: Language;
}

/**
 * One sentiment model per language, and how a text finds its model: a data set's language setting, or `auto`
 * (by script: Han characters -> zh, else the fallback). What a trained bundle keeps, so a version scores every
 * language the same way each time.
 *
 * @example
 * const set = SentimentSet.shipped();
 * set.score('送餐很快，味道不错'); // { language: 'zh', label: 'positive', ... }
 * set.score('Great taste', 'en').language; // 'en'
 */
export class SentimentSet {
  readonly fallback: Language;
  private readonly models: Map<Language, SentimentModel>;

  constructor(options: SentimentSetOptions) {
    this.fallback = checkLanguage(options.fallback ?? DETECT_DEFAULTS.fallback);
    this.models = new Map(options.models.map((model) => [model.language, model]));
  }

  /** The shipped model of every language (pretrained files; Portuguese: lexicon only). */
  static shipped(): SentimentSet {
    return new SentimentSet({ models: LANGUAGES.map((language) => defaultSentimentModel(language)) });
  }

  /** This set's model of a language; a set saved before the language had a model falls back to the shipped one. */
  model(language: Language): SentimentModel {
    return this.models.get(language) ?? defaultSentimentModel(language);
  }

  /** The language `text` is scored in under `setting`. */
  languageOf(text: string, setting: LanguageSetting = 'auto'): Language {
    return resolveLanguage(text, setting, { fallback: this.fallback });
  }

  /** Scores one text in its language (see `languageOf`). */
  score(text: unknown, setting: LanguageSetting = 'auto'): SentimentResult & { language: Language } {
    if (typeof text !== 'string') throw badInput('text must be a string', { field: 'text' });
    const language = this.languageOf(text, setting);
    return { ...this.model(language).score(text), language };
  }

  toJSON(): SentimentSetJSON {
    const models: SentimentSetJSON['models'] = {};
    for (const language of LANGUAGES) models[language] = this.model(language).toJSON();
    return { kind: 'tierlab-sentiment-set', version: 1, fallback: this.fallback, models };
  }

  /**
   * Rebuilds a set saved by `toJSON`. A single model (bundles written before Chinese was scored) becomes a set
   * with that model for its language and the shipped ones for the others.
   */
  static fromJSON(json: unknown): SentimentSet {
    const saved = json as Partial<SentimentSetJSON> | Partial<SentimentModelJSON> | null;
    if (saved?.kind === 'tierlab-sentiment') return new SentimentSet({ models: [SentimentModel.fromJSON(saved)] });
    if (saved?.kind !== 'tierlab-sentiment-set' || saved.version !== 1 || typeof saved.models !== 'object' || !saved.models) {
      throw new TierlabError('unprocessable', 'not a Tierlab sentiment model set (kind "tierlab-sentiment-set", version 1)');
    }
    return new SentimentSet({ models: Object.values(saved.models).map((model) => SentimentModel.fromJSON(model)), fallback: saved.fallback });
  }
}
