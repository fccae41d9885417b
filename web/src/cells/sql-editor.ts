/**
 * The SQL editor: CodeMirror 6 with DuckDB highlighting, completion of the tables, views and columns a cell may
 * read and of the notebook's cell names, Ctrl/Cmd+Enter and Shift+Enter to run, a height that grows with the
 * text, and the server's error marked where DuckDB placed it. Loaded on demand (SqlEditor.svelte imports it
 * dynamically), so the first paint of a notebook does not wait for the editor.
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type Completion, type CompletionSource } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { PostgreSQL, sql, SQLDialect, type SQLNamespace } from '@codemirror/lang-sql';
import { setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { minimalSetup } from 'codemirror';

/** DuckDB reads PostgreSQL's grammar plus a few words of its own. */
const DUCKDB = SQLDialect.define({
  ...PostgreSQL.spec,
  keywords: `${PostgreSQL.spec.keywords ?? ''} qualify pivot unpivot asof positional exclude replace columns summarize describe struct list map anti semi`,
});

/** What completion offers: tables and views with their columns, and cells with their result columns. */
export interface EditorSchema {
  tables: { name: string; columns: string[] }[];
  cells: { name: string; columns: string[] }[];
}

export interface SqlEditorOptions {
  parent: HTMLElement;
  doc: string;
  schema: EditorSchema;
  onChange: (text: string) => void;
  onRun: () => void;
}

/** A mounted editor; the cell drives it through these. */
export interface SqlEditorHandle {
  /** Replaces the text when it changed elsewhere (another save loaded). */
  setDoc(text: string): void;
  setSchema(schema: EditorSchema): void;
  /** Marks the error at an offset of the text, or clears the mark. */
  markError(error: { position: number; message: string } | undefined): void;
  focus(): void;
  destroy(): void;
}

/**
 * Columns of the tables and cells the text reads (after FROM or JOIN), offered as bare names: lang-sql alone
 * completes `table.column` and table names, but an analyst types `WHERE rfm_seg` first.
 */
function readColumns(schema: EditorSchema): CompletionSource {
  const byName = new Map([...schema.tables, ...schema.cells].map((table) => [table.name.toLowerCase(), table]));
  return (context) => {
    const word = context.matchBefore(/\w+/);
    if (!word && !context.explicit) return null;
    const from = word?.from ?? context.pos;
    if (context.state.sliceDoc(from - 1, from) === '.') return null;
    const options: Completion[] = [];
    const seen = new Set<string>();
    for (const match of context.state.doc.toString().matchAll(/\b(?:from|join)\s+([A-Za-z_]\w*)/gi)) {
      const table = byName.get(match[1].toLowerCase());
      if (!table || seen.has(table.name)) continue;
      seen.add(table.name);
      for (const column of table.columns) options.push({ label: column, type: 'property', detail: table.name, boost: 1 });
    }
    return options.length ? { from, options, validFor: /^\w*$/ } : null;
  };
}

function language(schema: EditorSchema) {
  const namespace: SQLNamespace = {};
  for (const table of [...schema.tables, ...schema.cells]) namespace[table.name] = table.columns;
  // One source a schema: completion keeps a source's answer only while the same function is asked.
  const columns = readColumns(schema);
  return [sql({ dialect: DUCKDB, schema: namespace, upperCaseKeywords: true }), EditorState.languageData.of(() => [{ autocomplete: columns }])];
}

const THEME = EditorView.theme({
  '&': { fontSize: '12.5px', border: '1px solid var(--line)', borderRadius: '6px', background: 'var(--panel-2)' },
  '&.cm-focused': { outline: 'none', borderColor: 'var(--accent-line)' },
  '.cm-content': { fontFamily: 'var(--mono)', padding: '8px 0', minHeight: '3.2em' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
  '.cm-lintRange-error': { textDecoration: 'underline wavy #c62828', backgroundImage: 'none' },
});

/**
 * Mounts an editor in `parent`.
 *
 * @example
 * const editor = createSqlEditor({ parent, doc: cell.source, schema, onChange: (t) => (cell.source = t), onRun });
 */
export function createSqlEditor(options: SqlEditorOptions): SqlEditorHandle {
  const lang = new Compartment();
  const run = () => {
    options.onRun();
    return true;
  };
  const view = new EditorView({
    parent: options.parent,
    state: EditorState.create({
      doc: options.doc,
      extensions: [
        Prec.highest(keymap.of([{ key: 'Mod-Enter', run }, { key: 'Shift-Enter', run }])),
        minimalSetup,
        history(),
        closeBrackets(),
        autocompletion(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        lang.of(language(options.schema)),
        placeholder('SELECT … FROM …'),
        EditorView.lineWrapping,
        THEME,
        EditorView.contentAttributes.of({ 'aria-label': 'SQL' }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) options.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    setDoc(text) {
      if (text !== view.state.doc.toString()) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    setSchema(schema) {
      view.dispatch({ effects: lang.reconfigure(language(schema)) });
    },
    markError(error) {
      if (!error) return void view.dispatch(setDiagnostics(view.state, []));
      const length = view.state.doc.length;
      const from = Math.min(Math.max(0, error.position), length);
      const word = /^[\w"]+/.exec(view.state.doc.sliceString(from, Math.min(length, from + 64)))?.[0].length ?? 1;
      view.dispatch(setDiagnostics(view.state, [{ from, to: Math.min(length, from + word), severity: 'error', message: error.message }]));
    },
    focus: () => view.focus(),
    destroy: () => view.destroy(),
  };
}
