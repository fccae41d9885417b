export { tierAlerts, type TierAlert, type TierAlerts } from './alerts.ts';
export { FLOW_COLUMNS, tierFlow, type FlowColumn, type TierFlow } from './flow.ts';
export { recordTierHistory } from './record.ts';
export { comparedVersions, customerTierHistory, historyVersions, type CompareOptions, type CustomerTierPoint, type HistoryVersion } from './versions.ts';
