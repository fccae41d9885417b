import { badInput } from './errors.ts';

/** Languages feedback text can be scored in (models/sentiment has a scorer for each). */
export const TEXT_LANGUAGES = ['en', 'pt', 'zh'] as const;
export type TextLanguage = (typeof TEXT_LANGUAGES)[number];

/**
 * A feedback data set's language setting: one language for every text, or `auto`, which tells each text's
 * language by its script (Han characters: Chinese; otherwise the fallback, English). `auto` is the default.
 */
export const LANGUAGE_SETTINGS = ['auto', ...TEXT_LANGUAGES] as const;
export type LanguageSetting = (typeof LANGUAGE_SETTINGS)[number];

/** Throws a bad_input error naming the settings when `value` is not one. */
export function checkLanguageSetting(value: string, field = 'language'): LanguageSetting {
  if (!(LANGUAGE_SETTINGS as readonly string[]).includes(value)) {
    throw badInput(`${field} must be one of ${LANGUAGE_SETTINGS.join(', ')}, got "${value}"`, { field });
  }
  return value as LanguageSetting;
}
