/**
 * Colours of categories, the same in every chart of a notebook: a category keeps the colour it got first (RFM
 * segments have theirs fixed, in rule order), so "At risk" is one colour on the map, the bars and the legend.
 *
 * The palette is twelve colours that stay apart for the common colour-vision deficiencies: Paul Tol's "muted"
 * nine (https://personal.sron.nl/~pault/#sec:qualitative) and three of Okabe and Ito's (orange, blue,
 * vermillion) that fill its gaps. Twelve is every RFM segment (eleven and "Other"); past twelve a second scheme
 * follows, the same hues lighter, so a thirteenth category never repeats a colour.
 */
import { CATCH_ALL_SEGMENT, DEFAULT_SEGMENT_RULES } from '../../../models/tiers/rfm.ts';

export const PALETTE = ['#332288', '#88ccee', '#44aa99', '#117733', '#999933', '#ddcc77', '#cc6677', '#882255', '#aa4499', '#e69f00', '#0072b2', '#d55e00'] as const;

/** The i-th colour: the palette, then the palette mixed halfway with white, and so on. */
export function paletteColor(i: number): string {
  const base = PALETTE[i % PALETTE.length];
  const round = Math.floor(i / PALETTE.length);
  if (!round) return base;
  const keep = 0.5 ** round;
  const channel = (at: number) => Math.round(parseInt(base.slice(at, at + 2), 16) * keep + 255 * (1 - keep)).toString(16).padStart(2, '0');
  return `#${channel(1)}${channel(3)}${channel(5)}`;
}

const assigned = new Map<string, string>();
[...DEFAULT_SEGMENT_RULES.map((rule) => rule.name), CATCH_ALL_SEGMENT].forEach((name, i) => assigned.set(name, paletteColor(i)));
/**
 * Other categories (clusters, measures, bands) take the next colour in turn, from the start of the palette: RFM
 * segments and clusters seldom share a chart, and in turn a chart's first twelve new values all differ.
 */
let next = 0;

/**
 * The colour of a category value, the same wherever it is drawn on the page. RFM segments have fixed
 * colours; other values take the next colour when first seen.
 *
 * @example
 * categoryColor('At risk'); // always the same colour
 */
export function categoryColor(value: unknown): string {
  const key = String(value);
  let color = assigned.get(key);
  if (!color) {
    color = paletteColor(next++);
    assigned.set(key, color);
  }
  return color;
}
