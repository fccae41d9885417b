/**
 * The purchase models Tierlab fits and chooses between (select.ts), in order of preference on a tie: BG/NBD is
 * the most used and documented, MBG/NBD changes one assumption of it, Pareto/NBD is the oldest and the slowest to fit.
 */
import { BG_NBD } from './bgnbd.ts';
import { MBG_NBD } from './mbgnbd.ts';
import { PARETO_NBD } from './paretonbd.ts';
import type { PurchaseModel, PurchaseModelName } from './purchase.ts';

export const PURCHASE_MODELS: readonly PurchaseModel[] = [BG_NBD, MBG_NBD, PARETO_NBD];

/**
 * The model of that name.
 *
 * @example
 * purchaseModel('paretonbd').label; // 'Pareto/NBD'
 */
export function purchaseModel(name: PurchaseModelName): PurchaseModel {
  return PURCHASE_MODELS.find((m) => m.name === name)!;
}
