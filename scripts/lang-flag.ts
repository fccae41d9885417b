import { badInput } from '../data/errors.ts';
import { DEFAULT_LANG, isLang, LANGS, type Lang } from '../data/lang.ts';

/**
 * The language of a command's human-readable output: `--lang`, else `TIERLAB_LANG`, else English. Machine
 * output (CSV, JSON) keeps the stored English names whatever the language.
 *
 * @example
 * const lang = langFlag(flags.lang); // 'zh' for `--lang zh` or TIERLAB_LANG=zh
 */
export function langFlag(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  const value = flag ?? env.TIERLAB_LANG;
  if (value === undefined || value === '') return DEFAULT_LANG;
  if (!isLang(value)) throw badInput(`${flag === undefined ? 'TIERLAB_LANG' : '--lang'} must be ${LANGS.join(' or ')}, got "${value}"`, { field: 'lang' });
  return value;
}

/** The usage line of `--lang`, the same in every command that has it. */
export const LANG_USAGE = `--lang en|zh   the language of the printed tables and names (default $TIERLAB_LANG, else en)`;
