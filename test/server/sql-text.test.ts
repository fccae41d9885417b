import { describe, expect, it } from 'vitest';
import { namedParams, sqlSpans, statementBody } from '../../services/sql-text.ts';

describe('SQL text: code, quoted parts and comments', () => {
  it('splits quoted parts the way DuckDB reads them', () => {
    const sql = `SELECT 'a;''b', E'c\\';d', $$e;f$$, $t$g;$t$, "h;i" -- j;\n/* k /* l; */ m; */ ;`;
    const code = sqlSpans(sql).filter((s) => s.kind === 'code').map((s) => sql.slice(s.start, s.end)).join('');
    expect(code).toBe('SELECT , E, , ,  \n ;');
    expect(sqlSpans(sql).map((s) => s.end - s.start).reduce((a, b) => a + b, 0)).toBe(sql.length);
  });

  it('rewrites :name in code only', () => {
    expect(namedParams(`SELECT :a, ':b', x::INT, "c:d", $$:e$$ -- :f\nWHERE y = :g`)).toBe(`SELECT $a, ':b', x::INT, "c:d", $$:e$$ -- :f\nWHERE y = $g`);
  });

  it('cuts the closing semicolon and what follows, nothing inside quotes', () => {
    expect(statementBody('SELECT 1; -- done')).toBe('SELECT 1');
    expect(statementBody(`SELECT ';' AS x /* ; */`)).toBe(`SELECT ';' AS x /* ; */`);
    expect(statementBody(`SELECT E'\\';' AS x;`)).toBe(`SELECT E'\\';' AS x`);
  });
});
