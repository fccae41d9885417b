/**
 * Customer lifetime value: BG/NBD for how often a customer will buy, Gamma-Gamma for how much per order.
 *
 * summary.ts (transactions -> x, t_x, T, mean repeat value) -> bgnbd.ts / gammagamma.ts (likelihoods, fits on
 * special.ts + optimize.ts) -> predict.ts (p_alive, expected purchases, next order, AOV, CLV) -> table.ts
 * (DuckDB `customer_clv`); holdout.ts checks the purchase model on a calibration/holdout split.
 */
export { summarize, orderDays, UNIT_DAYS, type TimeUnit, type TransactionArrays, type CustomerSummary, type SummaryOptions } from './summary.ts';
export { fitBgNbd, bgnbdLogLikelihood, probabilityAlive, expectedPurchases, type BgNbdParams, type BgNbdFit, type RepeatData } from './bgnbd.ts';
export { fitGammaGamma, gammaGammaLogLikelihood, expectedOrderValue, type GammaGammaParams, type GammaGammaFit, type SpendData } from './gammagamma.ts';
export { predictCustomers, medianNextOrder, PREDICT_DEFAULTS, type PredictOptions, type CustomerPredictions, type ClvModels } from './predict.ts';
export { holdoutCheck, compareHoldout, type HoldoutReport, type HoldoutOptions, type FrequencyGroup } from './holdout.ts';
export { writeClv, clvHoldout, readTransactions, type ClvOptions, type ClvRun, type ClvHoldoutOptions } from './table.ts';
