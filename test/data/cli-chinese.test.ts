import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../data/demo.ts';
import { RFM_SEGMENTS_ZH } from '../../models/i18n/names.ts';
import { tempDir } from './support.ts';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', '..', 'scripts', 'tierlab.mjs');
const HAN = /[\u4e00-\u9fff]/;
const { dir } = tempDir('tierlab-cli-zh-');

/** The real CLI over a home of its own, with extra environment. */
async function tierlab(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, TIERLAB_HOME: dir, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the demo in Chinese', () => {
  it('draws the same history as the English demo for a seed, in Chinese words', () => {
    const en = generateDemo({ customers: 300, seed: 5 });
    const zh = generateDemo({ customers: 300, seed: 5, lang: 'zh' });
    expect(zh.counts).toEqual(en.counts);
    expect(zh.customers).toBe(en.customers);
    // Same customers, orders, times and money on every line; only product, category and texts differ.
    const money = (text: string) => text.trim().split('\n').slice(1).map((line) => line.split(',').slice(0, 6).join(','));
    expect(money(zh.transactions)).toEqual(money(en.transactions));
    const products = zh.transactions.trim().split('\n').slice(1).map((line) => line.split(',')[6]);
    expect(products.every((p) => HAN.test(p))).toBe(true);
    const texts = zh.feedback.trim().split('\n').slice(1);
    expect(texts.length).toBeGreaterThan(0);
    for (const line of texts) expect(line).toMatch(HAN);
  });
});

describe('tierlab --lang zh', () => {
  const db = join(dir, 'zh.duckdb');

  it('demo --lang zh loads Chinese data and makes 中文 the workspace default; rfm prints Chinese tables', async () => {
    const demo = await tierlab({}, 'demo', '--db', db, '--customers', '300', '--seed', '5', '--lang', 'zh');
    expect(demo.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'workspace.json'), 'utf8'))).toMatchObject({ language: 'zh' });

    const zh = await tierlab({}, 'rfm', '--db', db, '--lang', 'zh');
    expect(zh.code).toBe(0);
    expect(zh.stdout).toContain('RFM 分群');
    expect(zh.stdout).toContain('截至');
    expect(Object.values(RFM_SEGMENTS_ZH).filter((name) => zh.stdout.includes(name)).length).toBeGreaterThan(2);
    // TIERLAB_LANG says the same; --lang wins over it; JSON keeps the stored names.
    expect((await tierlab({ TIERLAB_LANG: 'zh' }, 'rfm', '--db', db)).stdout).toBe(zh.stdout);
    expect((await tierlab({ TIERLAB_LANG: 'zh' }, 'rfm', '--db', db, '--lang', 'en')).stdout).toContain('RFM segment');
    expect((await tierlab({}, 'rfm', '--db', db, '--lang', 'zh', '--json')).stdout).toContain('"tier":"Champions"');
  });

  it('names a bad language and where it came from', async () => {
    const flag = await tierlab({}, 'rfm', '--db', db, '--lang', 'fr');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--lang must be en or zh, got "fr"');
    const env = await tierlab({ TIERLAB_LANG: 'de' }, 'rfm', '--db', db);
    expect(env.stderr).toContain('TIERLAB_LANG must be en or zh, got "de"');
  });

  it('segment, clv fit and churn at-risk --format table print Chinese names, words and reasons', async () => {
    const segment = await tierlab({}, 'segment', '--db', db, '--k', '3', '--lang', 'zh');
    expect(segment.code).toBe(0);
    expect(segment.stdout).toMatch(/#0 \S*(高价值|中等价值|低价值)\S* \[[^\]]+\]：\d+ 位客户/);
    const clv = await tierlab({}, 'clv', 'fit', '--db', db, '--lang', 'zh');
    expect(clv.stdout).toMatch(/^customer_clv：\d+ 位客户，截至/);
    expect(clv.stdout).toContain('购买模型：');
    expect((await tierlab({}, 'churn', 'train', '--db', db, '--label', 'behavioural')).code).toBe(0);
    const table = await tierlab({}, 'churn', 'at-risk', '--db', db, '--format', 'table', '--limit', '5', '--lang', 'zh');
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^共 \d+ 位高流失风险客户，显示 5 位/);
    expect(lines[2]).toMatch(/^客户\s+风险\s+风险等级/);
    expect(lines.slice(3).filter((line) => /个百分点/.test(line)).length).toBeGreaterThan(0);
    expect(lines.slice(3).every((line) => /[高中低]风险/.test(line))).toBe(true);
  }, 240_000);
});
