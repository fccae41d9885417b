/**
 * When the SQL editor's chunk (CodeMirror, sql-editor.ts) is fetched: not with the first paint, but when the
 * notebook has finished drawing and the browser is idle, or at once when someone focuses a SQL text box. Until
 * then each SQL cell shows a plain text box, which works the same for typing and running.
 */
type EditorModule = typeof import('./sql-editor.ts');

let ask!: () => void;
const asked = new Promise<void>((resolve) => (ask = resolve));
const loaded: Promise<EditorModule> = asked.then(() => import('./sql-editor.ts'));

/**
 * The editor module, once someone has asked for it (never fetches by itself).
 *
 * @example
 * editorWhenLoaded().then(({ createSqlEditor }) => createSqlEditor(options));
 */
export function editorWhenLoaded(): Promise<EditorModule> {
  return loaded;
}

/** Fetches the editor now (a SQL box got the focus). */
export function loadEditor(): Promise<EditorModule> {
  ask();
  return loaded;
}

/** Fetches the editor when the browser is next idle (the notebook has drawn). */
export function loadEditorWhenIdle(): void {
  if ('requestIdleCallback' in window) requestIdleCallback(() => ask(), { timeout: 3000 });
  else setTimeout(ask, 500);
}
