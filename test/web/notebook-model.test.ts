import { describe, expect, it } from 'vitest';
import { csvHeader, mappingQuery } from '../../web/src/admin/csv-header.ts';
import { renderMarkdown } from '../../web/src/cells/markdown.ts';
import { formatParams, parseParams } from '../../web/src/cells/view-params.ts';
import type { Cell, Notebook } from '../../web/src/notebook/model.ts';
import { CycleError, dependants, freeCellName, upstream } from '../../web/src/notebook/graph.ts';
import { sqlParamNames } from '../../services/sql-text.ts';
import { cellInputs, resolveViewParams, sqlCodeWords, sqlParamValues } from '../../web/src/notebook/params.ts';
import { notebookDocument, parseNotebook, serializeNotebook } from '../../web/src/notebook/serialize.ts';
import clustersVsRfm from '../../web/src/notebook/defaults/clusters-vs-rfm-tiers.json';
import retention from '../../web/src/notebook/defaults/retention-at-risk.json';
import tiersToAction from '../../web/src/notebook/defaults/tiers-to-action.json';
import { parseManifest } from '../../models/registry/manifest.ts';
import { migrationsOf, versionFigures } from '../../web/src/views/manifest.ts';
import { VIEWS } from '../../web/src/views/index.ts';

describe('markdown subset', () => {
  it('renders headings, emphasis, code, lists and links', () => {
    const html = renderMarkdown('# Title\n\nSome **bold**, *it* and `a<b`.\n\n- one\n- two [docs](https://example.org/x)\n\n1. first\n2. second\n\n```\nSELECT 1 < 2\n```');
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>it</em>');
    expect(html).toContain('<code>a&lt;b</code>');
    expect(html).toContain('<ul><li>one</li><li>two <a href="https://example.org/x" target="_blank" rel="noopener noreferrer">docs</a></li></ul>');
    expect(html).toContain('<ol><li>first</li><li>second</li></ol>');
    expect(html).toContain('<pre><code>SELECT 1 &lt; 2</code></pre>');
  });

  it('escapes HTML and drops script links', () => {
    const html = renderMarkdown('<img src=x onerror=alert(1)> [x](javascript:alert(1)) "q"');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&quot;q&quot;');
  });

  it('drops links a browser would read as script: control characters, tabs, spaces, any case', () => {
    for (const href of ['\u0001javascript:window.x=1', '\u001fjavascript:x', 'java\tscript:x', 'java\nscript:x', ' JaVaScRiPt:x', '\u0000javascript:x', 'vbscript:x', 'data:text/html,x', '\u0085javascript:x']) {
      const html = renderMarkdown(`[x](${href})`);
      expect(html, JSON.stringify(href)).not.toContain('<a ');
    }
    expect(renderMarkdown('[docs](/api/docs) [mail](mailto:a@b.c) [top](#top)')).toBe(
      '<p><a href="/api/docs" target="_blank" rel="noopener noreferrer">docs</a> <a href="mailto:a@b.c" target="_blank" rel="noopener noreferrer">mail</a> <a href="#top" target="_blank" rel="noopener noreferrer">top</a></p>',
    );
  });

  it('keeps emphasis markers inside code spans and words with underscores', () => {
    expect(renderMarkdown('`**not bold**` value_at_risk')).toBe('<p><code>**not bold**</code> value_at_risk</p>');
  });
});

describe('SQL params and dependencies', () => {
  it('finds :name and $name but not casts, strings, quoted names or comments', () => {
    const sql = `SELECT a::INT, ':fake', "col:x" FROM t -- :comment\nWHERE b > :k AND c = $threshold /* $block */ AND d = :k`;
    expect(sqlParamNames(sql)).toEqual(['k', 'threshold']);
  });

  it('reads a cell as DuckDB does on both sides: E-strings, dollar quotes and nested comments hide their params', () => {
    const sql = "SELECT E'it\\'s :x', $$ :y $$, $tag$ $z $tag$ /* outer /* inner */ :w */ FROM t WHERE a = :k";
    expect(sqlParamNames(sql)).toEqual(['k']);
    expect(cellInputs({ id: 'c', kind: 'sql', source: sql } as Cell)).toEqual(['k']);
  });

  it('sends only the params a query uses', () => {
    expect(sqlParamValues('SELECT $k', { k: 3, other: 1 })).toEqual({ k: 3 });
  });

  it('resolves view params that refer to inputs and leaves the rest', () => {
    expect(resolveViewParams({ min_risk: '$threshold', limit: 50, band: 'high', missing: ':nope' }, { threshold: 0.7 })).toEqual({ min_risk: 0.7, limit: 50, band: 'high' });
  });

  it('re-runs exactly the cells that mention an input', () => {
    const notebook = parseNotebook(retention);
    expect(dependants(notebook, { inputs: ['threshold'] }).map((c) => c.id)).toEqual(['by-segment', 'at-risk']);
    expect(dependants(notebook, { inputs: ['unused'] })).toEqual([]);
    expect(cellInputs(notebook.cells.find((c) => c.id === 'intro')!)).toEqual([]);
  });
});

describe('cells on cells: the dependency graph', () => {
  const sql = (id: string, name: string | undefined, source: string) => ({ id, kind: 'sql' as const, name, source });
  // d is above what it reads: the graph, not the notebook order, decides.
  const notebook: Notebook = {
    id: 'n',
    title: 'n',
    cells: [
      { id: 'k', kind: 'input', name: 'k', value: 3, options: { control: 'number' } },
      sql('d', 'd', 'SELECT * FROM c JOIN a USING (x)'),
      sql('a', 'a', 'SELECT range AS x FROM range(:k)'),
      sql('b', 'b', "SELECT x FROM a WHERE 'c' <> 'a' -- FROM c"),
      sql('c', 'c', 'SELECT x FROM b'),
      sql('e', undefined, 'SELECT 1 AS a_b, t.a FROM customers t'),
    ],
  };

  it('finds the names in code only', () => {
    expect(sqlCodeWords("SELECT t.a, :k FROM top -- other\nWHERE x = 'y'")).toEqual(['SELECT', 't', 'FROM', 'top', 'WHERE', 'x']);
  });

  it('sends the cells a cell reads, each before its readers', () => {
    expect(upstream(notebook, notebook.cells[1]).map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(upstream(notebook, notebook.cells[5])).toEqual([]);
  });

  it('re-runs exactly the dependants of a change, in order', () => {
    expect(dependants(notebook, { cells: ['b'] }).map((c) => c.id)).toEqual(['c', 'd']);
    expect(dependants(notebook, { cells: ['a'] }).map((c) => c.id)).toEqual(['b', 'c', 'd']);
    expect(dependants(notebook, { inputs: ['k'] }).map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(dependants(notebook, { cells: ['d'] })).toEqual([]);
  });

  it('refuses a cycle, naming it', () => {
    const looped: Notebook = { ...notebook, cells: [...notebook.cells.slice(0, 2), sql('a', 'a', 'SELECT x FROM c'), ...notebook.cells.slice(3)] };
    expect(() => upstream(looped, looped.cells[2])).toThrow(new CycleError(['a', 'c', 'b', 'a']));
    expect(() => upstream(looped, looped.cells[1])).toThrow(/cycle: d → c → b → a → c/);
  });

  it('names a new cell after its table, free in the notebook', () => {
    expect(freeCellName(notebook, 'SELECT * FROM customers')).toBe('customers_1');
    expect(freeCellName({ ...notebook, cells: [sql('z', 'customers_1', '')] }, 'select 1 from Customers')).toBe('customers_2');
  });
});

describe('notebook serialization', () => {
  const notebook: Notebook = {
    id: 'n1',
    title: 'T',
    cells: [{ options: { params: { b: 1, a: '$k' }, view: 'at-risk' }, kind: 'view', id: 'v' } as unknown as Notebook['cells'][number]],
  };

  it('writes keys in a stable order: id and kind first, the rest alphabetical', () => {
    const text = serializeNotebook(notebook);
    expect(text).toBe(`{
  "id": "n1",
  "title": "T",
  "cells": [
    {
      "id": "v",
      "kind": "view",
      "options": {
        "params": {
          "a": "$k",
          "b": 1
        },
        "view": "at-risk"
      }
    }
  ]
}
`);
    expect(serializeNotebook(parseNotebook(text))).toBe(text);
  });

  it('keeps a named SQL cell one line a field, so renaming it or editing its text is a one-line diff', () => {
    const named: Notebook = { id: 'n2', title: 'T', cells: [{ source: 'SELECT 1', name: 'top', kind: 'sql', id: 's' }] };
    const text = serializeNotebook(named);
    expect(text.split('\n').slice(5, 9)).toEqual(['      "id": "s",', '      "kind": "sql",', '      "name": "top",', '      "source": "SELECT 1"']);
    const renamed = serializeNotebook({ ...named, cells: [{ ...named.cells[0], name: 'best' } as Notebook['cells'][number]] });
    expect(renamed.split('\n').filter((line, i) => line !== text.split('\n')[i])).toEqual(['      "name": "best",']);
  });

  it('ships default notebooks already in that order, so saving them changes nothing', () => {
    for (const doc of [clustersVsRfm, retention, tiersToAction]) {
      const parsed = parseNotebook(doc);
      expect(JSON.stringify(notebookDocument(parsed))).toBe(JSON.stringify({ title: doc.title, cells: doc.cells }));
      for (const cell of parsed.cells) if (cell.kind === 'view') expect(Object.keys(VIEWS)).toContain(cell.options.view);
    }
  });

  it('rejects what is not a notebook', () => {
    expect(() => parseNotebook({ title: 'x' })).toThrow(/not a notebook/);
  });
});

describe('small parsers', () => {
  it('view params round-trip through their one-line form', () => {
    const params = parseParams('min_risk=$threshold, limit=100, band=high');
    expect(params).toEqual({ min_risk: '$threshold', limit: 100, band: 'high' });
    expect(parseParams(formatParams(params))).toEqual(params);
  });

  it('reads a CSV header with quotes and another delimiter, and builds the map query', async () => {
    expect(await csvHeader(new Blob(['\uFEFF"Customer, ID";InvoiceNo;Amount\n1;2;3\n']))).toEqual(['Customer, ID', 'InvoiceNo', 'Amount']);
    expect(mappingQuery({ customer_id: 'CustomerID', order_id: 'order_id', amount: '' })).toBe('CustomerID=customer_id');
  });

  it('reads version figures and migration matrices from a manifest', () => {
    // As the server answers it: parsed at the edge from the stored JSON.
    const manifest = parseManifest({
      version: 3,
      created_at: '2026-01-02T00:00:00Z',
      data_snapshot: { as_of: '2026-01-01', rows: { customers: 10 } },
      evaluation: { churn: { evaluation: { roc_auc: 0.8 } }, segmentation: { k: 4 } },
      migration: [{ column: 'value_tier', moved: 2, total: 10, cells: [{ from: 'VIP', to: null, customers: 2 }] }],
    });
    expect(versionFigures(manifest)).toMatchObject({ 'figure.customers': 10, 'figure.churnRoc': 0.8, 'figure.k': 4, 'figure.logLoss': null });
    expect(migrationsOf(manifest)).toEqual([{ column: 'value_tier', moved: 2, total: 10, cells: [{ from: 'VIP', to: '(none)', customers: 2 }] }]);
  });
});
