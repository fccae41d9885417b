import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// natural's main entry loads dotenv, which prints a banner on import: nothing on stdout may come from it.
const run = (args: string[]) => execFileSync('node', args, { cwd: root, encoding: 'utf8' });

describe('sentiment output stays clean JSON', () => {
  it('tierlab sentiment score prints only JSON on stdout', () => {
    const out = run(['scripts/tierlab.mjs', 'sentiment', 'score', '--text', 'great']);
    const result = JSON.parse(out);
    expect(result).toMatchObject({ label: 'positive', language: 'en', tokens: 1 });
  });

  it('importing the sentiment module directly (not through the bin) prints nothing', () => {
    const script = "const m = await import('./models/sentiment/index.ts'); console.log(JSON.stringify(m.defaultSentimentModel('en').score('awful')));";
    const out = run(['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(JSON.parse(out)).toMatchObject({ label: 'negative' });
  });
});

describe('tierlab sentiment in Chinese', () => {
  it('score tells Chinese text by its script; --language names the model', () => {
    expect(JSON.parse(run(['scripts/tierlab.mjs', 'sentiment', 'score', '--text', '送餐太慢，菜都凉了，很失望']))).toMatchObject({ language: 'zh', label: 'negative' });
    expect(JSON.parse(run(['scripts/tierlab.mjs', 'sentiment', 'score', '--text', '很好', '--language', 'en']))).toMatchObject({ language: 'en' });
  });

  it('eval --language zh works on any labelled CSV (its own column names and label values)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tierlab-zh-eval-'));
    try {
      const file = join(dir, 'takeout.csv');
      const rows = [
        ['好评', '味道很好，送餐也快，下次还点'],
        ['好评', '分量足，价格实惠，推荐'],
        ['好评', '包装精致，很新鲜，满意'],
        ['差评', '送了两个小时，饭都凉了'],
        ['差评', '太难吃了，再也不会买'],
        ['差评', '"少送了一份，客服也不理人，失望"'],
      ];
      writeFileSync(file, `评价,内容\n${rows.map((r) => r.join(',')).join('\n')}\n`);
      const out = run(['scripts/tierlab.mjs', 'sentiment', 'eval', '--file', file, '--text-col', '内容', '--label-col', '评价', '--positive', '好评', '--language', 'zh', '--json']);
      const report = JSON.parse(out);
      expect(report).toMatchObject({ language: 'zh', rows: 6, positives: 3 });
      expect(report.rocAuc).toBeGreaterThanOrEqual(0.8);
      const auto = run(['scripts/tierlab.mjs', 'sentiment', 'eval', '--file', file, '--text-col', '内容', '--label-col', '评价', '--positive', '好评']);
      expect(auto).toMatch(/^language +zh$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
