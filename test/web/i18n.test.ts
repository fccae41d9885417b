import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reasonText, storedReasons, type StoredReason } from '../../models/churn/reason-words.ts';
import { BANDS } from '../../models/churn/bands.ts';
import { clusterName, domainName, domainValue, LIFECYCLE_STAGES_ZH, playbookText, RFM_SEGMENTS_ZH, VALUE_TIERS_ZH } from '../../models/i18n/names.ts';
import { DEFAULT_RULES } from '../../models/playbooks/default.ts';
import { CHANNELS } from '../../models/playbooks/types.ts';
import { DEFAULT_NOTEBOOKS_ZH } from '../../web/src/notebook/defaults/zh.ts';
import { DEFAULT_NOTEBOOKS } from '../../web/src/notebook/store.ts';
import { langOfTag } from '../../data/lang.ts';
import { CATCH_ALL_SEGMENT, DEFAULT_SEGMENT_RULES } from '../../models/tiers/rfm.ts';
import { VALUE_TIERS } from '../../models/tiers/value.ts';
import { en } from '../../web/src/i18n/en.ts';
import { zh } from '../../web/src/i18n/zh.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(svelte|ts)$/.test(name) && !path.includes(`${join('src', 'i18n')}`) ? [path] : [];
  });
}

describe('the UI catalogues', () => {
  it('have the same keys in every language, each with the same placeholders and some text', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key].trim(), key).not.toBe('');
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('hold every key a component asks for, and a key for every prefix a component builds one from', () => {
    const used = new Set<string>();
    const prefixes = new Set<string>();
    for (const file of sources(join(import.meta.dirname, '../../web/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([^']+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bt\(\s*`([^`$]+)\$\{/g)) prefixes.add(m[1]);
      // Keys named in tables of keys (views/manifest.ts).
      for (const m of text.matchAll(/\['(figure\.[^']+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(200);
    expect([...used].filter((key) => !(key in en))).toEqual([]);
    expect([...prefixes].filter((prefix) => !Object.keys(en).some((key) => key.startsWith(prefix)))).toEqual([]);
  });
});

describe('domain names in Chinese', () => {
  it('maps the eleven RFM segments and Other one to one', () => {
    const segments = [...DEFAULT_SEGMENT_RULES.map((r) => r.name), CATCH_ALL_SEGMENT];
    expect(Object.keys(RFM_SEGMENTS_ZH).sort()).toEqual([...segments].sort());
    expect(new Set(Object.values(RFM_SEGMENTS_ZH)).size).toBe(12);
    expect(domainValue('rfm_segment', 'Champions', 'zh')).toBe('重要价值客户');
    expect(domainValue('rfm_segment', "Can't lose them", 'zh')).toBe('重要保持客户');
    expect(domainValue('rfm_segment', 'Champions', 'en')).toBe('Champions');
  });

  it('names every value tier, lifecycle stage and risk band, and tells a segment from a stage of the same words', () => {
    expect(Object.keys(VALUE_TIERS_ZH).sort()).toEqual([...VALUE_TIERS].sort());
    for (const stage of ['prospect', 'new', 'active', 'loyal', 'at risk', 'lost']) expect(LIFECYCLE_STAGES_ZH[stage], stage).toBeTruthy();
    for (const band of BANDS) expect(domainValue('risk_band', band, 'zh')).toMatch(/风险$/);
    expect(domainName('At risk', 'zh')).toBe('重要挽留客户');
    expect(domainName('at risk', 'zh')).toBe('流失预警');
    expect(domainValue('customer_id', 'Lost', 'zh')).toBe('Lost');
  });

  it('translates cluster names from their profile words and keeps other names', () => {
    expect(clusterName('Active high-value frequent buyers', 'zh')).toBe('活跃高价值高频买家');
    expect(clusterName('Lapsed low-value one-timers (high return_rate) #2', 'zh')).toBe('沉寂低价值一次性买家（退货率高）#2');
    expect(clusterName('No purchases yet', 'zh')).toBe('尚未购买');
    expect(clusterName('My VIPs', 'zh')).toBe('My VIPs');
  });

  it('has every word of the default playbook and every channel, and keeps a team\'s own text', () => {
    const words = DEFAULT_RULES.flatMap((r) => [r.action.name, r.action.note, r.action.owner_role, r.action.offer].filter((w): w is string => !!w));
    expect(words.filter((w) => playbookText(w, 'zh') === w)).toEqual([]);
    expect(CHANNELS.filter((c) => playbookText(c, 'zh') === c)).toEqual([]);
    expect(playbookText('Call them on Friday', 'zh')).toBe('Call them on Friday');
  });

  it('has the default notebooks\' words for cells that exist', () => {
    for (const doc of DEFAULT_NOTEBOOKS) {
      const words = DEFAULT_NOTEBOOKS_ZH[doc.id];
      expect(words, doc.id).toBeDefined();
      for (const id of Object.keys(words.cells)) expect(doc.cells.map((c) => c.id), `${doc.id}/${id}`).toContain(id);
    }
  });

  it('reads a language from browser and shell tags', () => {
    expect(langOfTag('zh-CN')).toBe('zh');
    expect(langOfTag('zh_CN.UTF-8')).toBe('zh');
    expect(langOfTag('en-GB')).toBe('en');
    expect(langOfTag('fr')).toBeUndefined();
  });
});

describe('churn reasons in either language', () => {
  const stored: StoredReason = { feature: 'recency_days', direction: 'raises', value: 143, level: null, reference: 20, contribution: 0.182, text: 'no order for 143 days: +18 points' };

  it('words a stored reason from its feature, value and points, and keeps the English text as stored', () => {
    expect(reasonText(stored, 'en')).toBe('no order for 143 days: +18 points');
    expect(reasonText(stored, 'zh')).toBe('143 天未下单：+18 个百分点');
    expect(reasonText({ ...stored, feature: 'contract', value: null, level: 'Month-to-month', contribution: 0.05 }, 'zh')).toBe('contract为 Month-to-month：+5 个百分点');
    expect(reasonText({ ...stored, feature: 'orders_90d', value: 0, reference: 1, contribution: 0.006 }, 'zh')).toBe('最近 90 天没有订单：+0.6 个百分点');
  });

  it('reads reasons of stores scored before they were structs (a JSON list of sentences)', () => {
    const old = storedReasons('["long since last order", "a, quoted \\"reason\\""]');
    expect(old.map((r) => reasonText(r, 'zh'))).toEqual(['long since last order', 'a, quoted "reason"']);
    expect(storedReasons(null)).toEqual([]);
    expect(storedReasons([stored])).toEqual([stored]);
  });
});
