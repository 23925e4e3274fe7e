export * from './limits';
export type * from './types';
export { checkRisk } from './check-risk';
export { RISK_RULES } from './rules';
export type { RiskRule, RiskFacts } from './rules';
export * from './circuit-breaker';
