import { SentimentAnalyzer } from 'natural/lib/natural/sentiment/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { describe, expect, it } from 'vitest';
import { analyzeText, cleanText } from '../../models/sentiment/index.ts';
import { languageKit } from '../../models/sentiment/language.ts';

const en = languageKit('en');
const stems = (text: string, kit = en) => analyzeText(text, kit).terms.map((t) => t.stem);
const negated = (text: string, kit = en) => [...analyzeText(text, kit).negated];

describe('cleanText on hand-checked inputs', () => {
  it('drops tags, turns line-break tags into clause breaks, decodes entities', () => {
    expect(cleanText('<b>Tasty</b><br /><br />Fresh')).toBe(' Tasty . . Fresh');
    expect(cleanText('salt &amp; pepper &quot;hot&quot; &#39;x&#39; &#x1F60D; &bogus;')).toBe(`salt & pepper "hot" 'x' 😍 &bogus;`);
  });

  it('removes URLs and squeezes repeated punctuation', () => {
    expect(cleanText('see http://example.com/a?b=1 and www.shop.io now!!!')).toBe('see   and   now!');
    expect(cleanText('wait... what??')).toBe('wait. what?');
  });

  it('folds n\'t (straight or curly apostrophe) into "not" and line breaks into full stops', () => {
    expect(cleanText("I don't know\nit isn’t")).toBe('I do not know. it is not');
  });
});

describe('analyzeText: tokens, negation scope, lexicon', () => {
  it('negation governs the rest of its clause only', () => {
    expect(stems('Not good, but tasty')).toEqual(['not', 'good', 'tasti']);
    expect(negated('Not good, but tasty')).toEqual([0, 1, 0]);
    expect(negated("I don't like the taste. Love the box")).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0]);
    expect(negated('never again but ok')).toEqual([0, 1, 0]);
  });

  it('flips AFINN polarity inside the scope (AFINN: good +3, like +2, love +3)', () => {
    expect(analyzeText('good', en).lexiconSum).toBe(3);
    expect(analyzeText('not good', en).lexiconSum).toBe(-3);
    expect(analyzeText("I don't like it. I love it", en).lexiconSum).toBe(-2 + 3);
  });

  it('agrees with natural\'s own analyzer on a clause without negation', () => {
    const text = 'a wonderful happy product with bad packaging';
    const tokens = new WordTokenizer().tokenize(text);
    const reference = new SentimentAnalyzer('English', undefined, 'afinn').getSentiment(tokens) * tokens.length;
    expect(analyzeText(text, en).lexiconSum).toBeCloseTo(reference, 12);
  });

  it('scores emoji from the lexicon and squeezes stretched letters', () => {
    expect(analyzeText('😍', en).lexiconSum).toBeGreaterThan(0);
    expect(analyzeText('😡', en).lexiconSum).toBeLessThan(0);
    expect(stems('goooood')).toEqual(stems('good'));
    expect(analyzeText('goooood', en).lexiconSum).toBe(3);
  });

  it('handles Portuguese: its negation cues and lexicon (AFINN-pt: excelente +3, ruim -3, gostei +2)', () => {
    const pt = languageKit('pt');
    expect(negated('não gostei do produto', pt)).toEqual([0, 1, 1, 1]);
    expect(analyzeText('produto excelente', pt).lexiconSum).toBe(3);
    expect(analyzeText('produto ruim', pt).lexiconSum).toBe(-3);
    expect(analyzeText('não gostei', pt).lexiconSum).toBe(-2);
  });

  it('returns an empty analysis for empty or word-free text', () => {
    for (const text of ['', '   ', '...!!!', '<br/>']) {
      const a = analyzeText(text, en);
      expect(a.terms).toEqual([]);
      expect(a.lexiconSum).toBe(0);
    }
  });
});
