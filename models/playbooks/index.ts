export { DEFAULT_RULES } from './default.ts';
export { nextBestActions, precedence, type TierRow } from './next-action.ts';
export { playbookVersions, readPlaybook, savePlaybook } from './store.ts';
export { CHANNELS, DIMENSIONS, type Action, type Channel, type Dimension, type NextBestAction, type Playbook, type Rule } from './types.ts';
export { parseAction, parseRules } from './validate.ts';
