/**
 * Protected features: attributes a retention decision should not rest on (age, sex, ...). They are left out of
 * the model unless the user opts in, and never appear as reasons either way. A column is protected when one of
 * the words of its name (split at `_`, `-`, spaces, digits and camelCase) is a listed word, or starts with a
 * listed word of five letters or more (`birthday`, `ethnicity`), so `age`, `customer_age`, `AgeBand`,
 * `senior_citizen`, `date_of_birth` and `birthYear` match while `usage`, `agent_id`, `page_views` and
 * `average_order_value` do not.
 */

/** The default list (README "Protected features"); `ProtectedOptions.words` replaces it. */
export const PROTECTED_WORDS = ['age', 'gender', 'sex', 'female', 'male', 'senior', 'birth', 'race', 'ethnic', 'religion', 'nationality', 'citizenship', 'dob'] as const;

export interface ProtectedOptions {
  /** Words that mark a column as protected (replaces `PROTECTED_WORDS`). */
  words?: readonly string[];
  /** Train on protected columns too (they still never appear as reasons). */
  use?: boolean;
}

function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z]+/)
    .filter(Boolean);
}

/**
 * @example
 * isProtected('senior_citizen'); // true
 * isProtected('usage_minutes'); // false
 */
export function isProtected(name: string, words: readonly string[] = PROTECTED_WORDS): boolean {
  const lowered = words.map((w) => w.toLowerCase());
  return nameWords(name).some((word) => lowered.some((w) => word === w || (w.length >= 5 && word.startsWith(w))));
}

/**
 * The protected names among `names`.
 *
 * @example
 * protectedNames(['tenure', 'age', 'gender']); // ['age', 'gender']
 */
export function protectedNames(names: Iterable<string>, words: readonly string[] = PROTECTED_WORDS): string[] {
  return [...names].filter((n) => isProtected(n, words));
}
