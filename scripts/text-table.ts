/**
 * Columns that line up in a terminal whatever the script: a Chinese character takes two cells, as terminals
 * draw East Asian wide characters, so padding counts display cells, not string length.
 */

const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

/** Terminal cells a text takes. `displayWidth('重要价值客户')` -> 12. */
export const displayWidth = (text: string) => text.length + (text.match(WIDE)?.length ?? 0);

/**
 * Pads to `width` display cells: on the right (text, left-aligned) or on the left (numbers, right-aligned).
 *
 * @example
 * pad('VIP', 6); // 'VIP   '
 * pad('重要', 6); // '重要  '
 * pad('12', 4, 'right'); // '  12'
 */
export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}
