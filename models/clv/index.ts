/**
 * Customer lifetime value: a purchase model (BG/NBD, MBG/NBD or Pareto/NBD, chosen on a split of the data) for
 * how often a customer will buy, Gamma-Gamma for how much per order. See README.md in this folder.
 *
 * summary.ts (transactions -> x, t_x, T, mean repeat value) -> repeat-data.ts -> bgnbd.ts / mbgnbd.ts /
 * paretonbd.ts (catalog.ts; fitted by purchase.ts on special.ts + optimize.ts) and gammagamma.ts -> predict.ts
 * (p_alive, expected purchases, next order, AOV, CLV) -> table.ts (DuckDB `customer_clv`); holdout.ts and
 * evaluate.ts score every model and the naive baseline on a calibration/holdout split, select.ts chooses.
 */
export { summarize, orderDays, UNIT_DAYS, type TimeUnit, type TransactionArrays, type CustomerSummary, type SummaryOptions } from './summary.ts';
export { fitBgNbd, bgnbdLogLikelihood, probabilityAlive, expectedPurchases, BG_NBD, type BgNbdParams, type BgNbdFit, type RepeatData } from './bgnbd.ts';
export { MBG_NBD, type MbgNbdParams } from './mbgnbd.ts';
export { PARETO_NBD, type ParetoNbdParams } from './paretonbd.ts';
export { PURCHASE_MODELS, purchaseModel } from './catalog.ts';
export { fitPurchaseModel, type PurchaseFit, type PurchaseModel, type PurchaseModelName, type PurchaseParams } from './purchase.ts';
export { scorePredictions, naivePredictions, modelPredictions, type PredictionScore, type FrequencyGroupScore } from './evaluate.ts';
export { selectPurchaseModel, SELECTION_DEFAULTS, type ModelSelection } from './select.ts';
export { fitGammaGamma, gammaGammaLogLikelihood, expectedOrderValue, type GammaGammaParams, type GammaGammaFit, type SpendData } from './gammagamma.ts';
export { predictCustomers, medianNextOrder, PREDICT_DEFAULTS, type PredictOptions, type CustomerPredictions, type ClvModels } from './predict.ts';
export { compareOnHoldout, type HoldoutComparison, type HoldoutOptions, type ModelScore } from './holdout.ts';
export { writeClv, clvHoldout, readTransactions, type ClvOptions, type ClvRun, type ClvHoldout, type ClvHoldoutOptions } from './table.ts';
