/**
 * A notebook as a standalone HTML report, built in the browser from what the cells show right now: markdown
 * as rendered, SQL with its result tables (every row, formatted as shown), charts as the inline SVG Plot drew.
 * No scripts, inline CSS only, and no hints that only work in the app (`data-report="skip"`).
 */
import { escapeHtml } from '../cells/markdown.ts';
import { i18n, t } from '../i18n/index.svelte.ts';
import type { CellKind, Notebook } from './model.ts';

const REPORT_CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;max-width:980px;margin:32px auto;padding:0 24px}
h1{font-size:26px;margin:0 0 4px}.meta{color:#6b7385;font-size:12px;margin-bottom:28px}
section{border:1px solid #e3e6ee;border-radius:10px;padding:14px 18px;margin:0 0 18px;break-inside:avoid}
section>h3{margin:0 0 8px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#6b7385}
pre{background:#f5f6fa;border-radius:6px;padding:10px;overflow:auto;font:12px/1.45 ui-monospace,Menlo,monospace}
.table-wrap{overflow-x:auto;max-width:100%;border:1px solid #e3e6ee;border-radius:6px;margin:8px 0}
table{border-collapse:separate;border-spacing:0;width:max-content;min-width:100%;font-size:12px;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #eceef3;padding:4px 8px;text-align:left;white-space:nowrap}th{background:#f5f6fa}td.num{text-align:right}
th:first-child,td:first-child{position:sticky;left:0;background:#fff;border-right:1px solid #eceef3}th:first-child{background:#f5f6fa}
th button{all:unset;font-weight:600}svg{max-width:100%;height:auto}figure{margin:8px 0}
.figures{display:flex;gap:10px;flex-wrap:wrap}.figure{background:#f5f6fa;border-radius:8px;padding:6px 12px}
.figure .label{font-size:11px;color:#6b7385;text-transform:uppercase}.figure .value{font-size:18px;font-weight:600}
.note,.result-meta{color:#6b7385;font-size:12px}.cell-error{color:#a12626}
`;

/** Cells titled in the report, by kind (text cells carry their own headings). */
const TITLED: CellKind[] = ['sql', 'input', 'view'];

/** One cell's shown output, without controls: inputs become their values, buttons and pickers go. */
function staticCopy(element: Element): string {
  const copy = element.cloneNode(true) as Element;
  for (const input of copy.querySelectorAll('input, select')) {
    const value = (element.querySelector(`[name="${input.getAttribute('name')}"]`) as HTMLInputElement | null)?.value ?? (input as HTMLInputElement).value;
    input.replaceWith(Object.assign(document.createElement('strong'), { textContent: value }));
  }
  for (const junk of copy.querySelectorAll('button:not(th button), textarea, .chart-builder, .view-controls select, [data-report="skip"], .cm-editor')) junk.remove();
  return copy.innerHTML;
}

/**
 * The report's HTML text for a notebook, from its cells' elements in `root` (`[data-cell-id]`).
 *
 * @example
 * saveBlob(new Blob([buildReport(notebook, main)], { type: 'text/html' }), 'report.html');
 */
export function buildReport(notebook: Notebook, root: ParentNode, now = new Date()): string {
  const sections = notebook.cells.map((cell) => {
    const element = root.querySelector(`[data-cell-id="${cell.id}"]`);
    const output = element?.querySelector('.cell-output');
    const error = element?.querySelector('.cell-error, .cell-empty')?.textContent;
    const parts: string[] = [];
    if (TITLED.includes(cell.kind)) parts.push(`<h3>${escapeHtml(element?.querySelector('.cell-title')?.textContent || t(`kind.${cell.kind}`))}</h3>`);
    if (cell.kind === 'sql') parts.push(`<pre>${escapeHtml(cell.source)}</pre>`);
    if (cell.kind === 'input') parts.push(`<p><code>:${escapeHtml(cell.name)}</code> = <strong>${escapeHtml(String(cell.value))}</strong></p>`);
    else if (output) parts.push(staticCopy(output));
    if (error) parts.push(`<p class="cell-error">${escapeHtml(error)}</p>`);
    return `<section>${parts.join('\n')}</section>`;
  });
  return `<!doctype html>
<html lang="${i18n.lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(notebook.title)}</title><style>${REPORT_CSS}</style></head>
<body><h1>${escapeHtml(notebook.title)}</h1><div class="meta">${escapeHtml(t('report.meta'))} · ${escapeHtml(now.toISOString().slice(0, 16).replace('T', ' '))} UTC</div>
${sections.join('\n')}
</body></html>
`;
}
