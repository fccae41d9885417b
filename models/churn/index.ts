/**
 * Churn risk, the public face of models/churn: the server, the CLI and the model registry import from here.
 */
export { activeBackend, initBackend, type BackendName } from './backend.ts';
export { atRiskList, AT_RISK_DEFAULTS, type AtRiskOptions, type AtRiskRow } from './at-risk.ts';
export { behaviouralDataset, behaviouralLabels, explicitDataset, type LabelKind } from './dataset.ts';
export { evaluate, type Evaluation } from './evaluate.ts';
export { explain, permutationImportance, type FeatureImportance, type Reason } from './explain.ts';
export { ChurnModel, train, TRAIN_DEFAULTS, type ChurnModelJSON, type Dataset, type TrainOptions } from './model.ts';
export { crossValidate, runChurnStage, STAGE_DEFAULTS, type ChurnStageOptions, type ChurnStageResult } from './pipeline.ts';
export { bandTable, fitBands, riskBand, BAND_DEFAULTS, type BandRow, type RiskBand, type RiskBands } from './bands.ts';
export { isProtected, PROTECTED_WORDS } from './protected.ts';
export { expectedValues, scoreCustomers, writeChurnTable, type ScoredCustomer } from './score.ts';
