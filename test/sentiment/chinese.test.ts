import { describe, expect, it } from 'vitest';
import { SentimentSet, analyzeText, defaultSentimentModel, detectLanguage, lexiconOnlyModel } from '../../models/sentiment/index.ts';
import { languageKit } from '../../models/sentiment/language.ts';
import { readChineseLexicon } from '../../models/sentiment/chinese.ts';

const zh = languageKit('zh');
const words = (text: string) => analyzeText(text, zh).terms.map((t) => t.stem);
const negated = (text: string) => [...analyzeText(text, zh).negated];
const lexicon = (text: string) => analyzeText(text, zh).lexiconSum;

describe('Chinese text: jieba tokens, lexicon, negation and degree words (hand-checked)', () => {
  it('segments with jieba, keeps lexicon phrases whole, and drops punctuation and contrast words as clause breaks', () => {
    expect(words('性价比高，物超所值，还会再来')).toEqual(['性价比高', '物超所值', '还会再来']);
    expect(words('房间不大，但是很干净')).toEqual(['房间', '不大', '很', '干净']);
  });

  it('scopes a negation cue to the rest of its clause: punctuation and contrast words end it', () => {
    expect(negated('不推荐这家店。服务很好')).toEqual([0, 1, 1, 1, 0, 0, 0]);
    expect(lexicon('不推荐')).toBe(-2);
    expect(words('没有想象中的好，但是很便宜')).toEqual(['没有', '想象', '中', '的', '好', '很', '便宜']);
    expect(negated('没有想象中的好，但是很便宜')).toEqual([0, 1, 1, 1, 1, 0, 0]);
    expect(lexicon('没有想象中的好，但是很便宜')).toBe(-2 + 1.5 * 1);
    // 非常 (very) and 不错 (good) start like cues but are neither
    expect(negated('非常不错')).toEqual([0, 0]);
    expect(lexicon('非常不错')).toBe(1.5 * 2);
  });

  it('reads a cue or degree word written into a word from the remainder: 不方便 = -方便, 很差 = 1.5 x 差', () => {
    const lex = readChineseLexicon();
    expect(lex.get('不方便')).toBe(-2);
    expect(lex.has('不耐脏')).toBe(false);
    expect(zh.term('不干脆').polarity).toBe(0);
    expect(zh.term('没干净').polarity).toBe(-lex.get('干净')!);
    expect(zh.term('超好吃').polarity).toBe(1.5 * lex.get('好吃')!);
    expect(zh.term('好吃啊').polarity).toBe(lex.get('好吃'));
  });

  it('scales the next polar word of the clause by a degree word, and not past a clause break', () => {
    expect(lexicon('有点贵')).toBe(0.5 * -2);
    expect(lexicon('非常好吃')).toBe(1.5 * 3);
    expect(lexicon('非常，好吃')).toBe(3);
  });

  it('folds full-width letters and punctuation, and scores emoji', () => {
    expect(words('ＯＫ！不错')).toEqual(['ok', '不错']);
    expect(lexicon('东西😍')).toBeGreaterThan(0);
  });

  it('returns an empty analysis for empty or punctuation-only text', () => {
    for (const text of ['', '，。！', '   ']) expect(analyzeText(text, zh).terms).toEqual([]);
  });
});

describe('detectLanguage: by script', () => {
  it('tells Chinese by Han characters, counting a Han character like a word', () => {
    expect(detectLanguage('送餐很快，味道不错')).toBe('zh');
    expect(detectLanguage('iPhone很好用')).toBe('zh');
    expect(detectLanguage('𠮷野家很好吃')).toBe('zh');
    expect(detectLanguage('I love 北京 food')).toBe('en');
    expect(detectLanguage('Great taste, will buy again')).toBe('en');
    expect(detectLanguage('Produto ótimo', { fallback: 'pt' })).toBe('pt');
    expect(detectLanguage('')).toBe('en');
  });

  it('leaves Japanese (Han beside more kana) to the fallback', () => {
    expect(detectLanguage('とても美味しい料理でした')).toBe('en');
  });
});

describe('SentimentSet', () => {
  const set = SentimentSet.shipped();

  it('scores each text with its language model, or with the one a setting names', () => {
    expect(set.score('送货太慢了，客服也不理人，很失望')).toMatchObject({ language: 'zh', label: 'negative' });
    expect(set.score('味道很好，送餐也快，推荐')).toMatchObject({ language: 'zh', label: 'positive' });
    expect(set.score('Terrible, broken on arrival')).toMatchObject({ language: 'en', label: 'negative' });
    expect(set.score('很好', 'en').language).toBe('en');
  });

  it('round-trips through JSON with identical scores', () => {
    const copy = SentimentSet.fromJSON(JSON.parse(JSON.stringify(set.toJSON())));
    for (const text of ['房间干净，服务热情', '不推荐', 'Love it', '']) expect(copy.score(text)).toEqual(set.score(text));
  });

  it('reads a single saved model (bundles from before) as that model plus the shipped ones', () => {
    const old = SentimentSet.fromJSON(lexiconOnlyModel('en').toJSON());
    expect(old.model('en').training).toEqual({ kind: 'lexicon-only' });
    expect(old.model('zh')).toBe(defaultSentimentModel('zh'));
    expect(() => SentimentSet.fromJSON({ kind: 'something' })).toThrow(/sentiment model set/);
  });
});
