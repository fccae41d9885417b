/**
 * Text clean-up before tokenizing: markup and links carry no sentiment, and contractions would hide negations. Clause breaks (line breaks, <br>, <p>) become full stops
 * because negation scope ends at one.
 */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', hellip: '...', mdash: ' - ', ndash: ' - ',
  rsquo: "'", lsquo: "'", rdquo: '"', ldquo: '"',
};

const BLOCK_TAG = /<\s*(?:br|p|\/p|div|\/div|li|\/li|h\d|\/h\d)\b[^>]*>/gi;
const ANY_TAG = /<\/?[a-z][^>]*>/gi;
const ENTITY = /&(#x[0-9a-f]+|#\d+|[a-z]+);/gi;
const URL = /\b(?:https?:\/\/|www\.)\S+/gi;
const CURLY_APOSTROPHE = /[\u2018\u2019\u02bc]/g;
// "can't" becomes "ca not": the stray stem is harmless, and "not" is what the negation scope needs.
const NOT_CONTRACTION = /n't\b/gi;
const REPEATED_PUNCTUATION = /([!?.,;:*~\-])\1+/g;
const LINE_BREAK = /[\r\n]+/g;

function decodeEntity(match: string, body: string): string {
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  }
  return NAMED_ENTITIES[body.toLowerCase()] ?? match;
}

/**
 * Removes HTML tags and URLs, decodes entities, folds "n't" into " not" and squeezes repeated punctuation.
 * Emoji are kept: the lexicon scores them. Each step runs only when its marker character is present, since
 * clean-up is a fixed cost on every text scored.
 *
 * @example
 * cleanText("Good!!!<br />Don&#39;t miss it http://x.io"); // "Good!. Do not miss it  "
 */
export function cleanText(text: string): string {
  let out = text;
  if (out.includes('<')) out = out.replace(BLOCK_TAG, '. ').replace(ANY_TAG, ' ');
  if (out.includes('&')) out = out.replace(ENTITY, decodeEntity);
  if (out.includes('://') || out.includes('www.')) out = out.replace(URL, ' ');
  out = out.replace(CURLY_APOSTROPHE, "'");
  if (out.includes("'")) out = out.replace(NOT_CONTRACTION, ' not');
  return out.replace(LINE_BREAK, '. ').replace(REPEATED_PUNCTUATION, '$1');
}
