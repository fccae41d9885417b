import { describe, expect, it } from 'vitest';
import { CustomerList, textColumn } from '../../server/customer-list.ts';

// Ties, missing values and a filter: every page walk must visit each matching id once, in (key, id) order.
const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
const list = new CustomerList({
  ids,
  text: { rfm_segment: textColumn(['X', 'Y', 'X', 'X', null, 'X', 'Y']) },
  numbers: { monetary: Float64Array.from([5, 1, Number.NaN, 5, 2, 1, Number.NaN]) },
});

function walk(sort: string, desc: boolean, limit: number, segment?: string): string[] {
  const out: string[] = [];
  let after: { key: string | null; id: string } | undefined;
  for (;;) {
    const page = list.page({ filter: { equals: segment ? [{ columns: ['rfm_segment'], value: segment }] : [], ranges: [] }, sort, desc, limit, after });
    out.push(...page.ids);
    if (!page.next) return out;
    after = page.next;
  }
}

describe('CustomerList pages', () => {
  it('ascending with missing values last, ties by id', () => {
    for (const limit of [1, 2, 3, 10]) expect(walk('monetary', false, limit)).toEqual(['b', 'f', 'e', 'a', 'd', 'c', 'g']);
  });
  it('descending with missing values last, ties by id descending', () => {
    for (const limit of [1, 2, 3, 10]) expect(walk('monetary', true, limit)).toEqual(['d', 'a', 'e', 'f', 'b', 'g', 'c']);
  });
  it('by id, filtered', () => {
    for (const limit of [1, 2, 5]) expect(walk('customer_id', false, limit, 'X')).toEqual(['a', 'c', 'd', 'f']);
    expect(walk('customer_id', true, 2, 'Y')).toEqual(['g', 'b']);
  });
  it('ranges skip missing values', () => {
    const page = list.page({ filter: { equals: [], ranges: [{ column: 'monetary', min: 2 }] }, sort: 'customer_id', desc: false, limit: 10 });
    expect(page.ids).toEqual(['a', 'd', 'e']);
  });
  it('finds a row by id, and codes text against a dictionary', () => {
    expect(ids.map((id) => list.position(id))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(list.position('0')).toBe(-1);
    expect(list.position('zz')).toBe(-1);
    expect(new CustomerList({ ids: ['b', 'a'], text: {}, numbers: {} }).position('a')).toBe(1);
    const coded = textColumn(['X', null, 'Y', 'X']);
    expect([...coded.codes].map((c) => (c < 0 ? null : coded.values[c]))).toEqual(['X', null, 'Y', 'X']);
    expect(coded.values).toEqual(['X', 'Y']);
  });
  it('an equality on a value no row holds matches nothing', () => {
    expect(list.count({ equals: [{ columns: ['rfm_segment'], value: 'Z' }], ranges: [] })).toBe(0);
  });
});
