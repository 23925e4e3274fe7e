import { decStr, roundDp, PCT_DP } from '../../money';
import { resolveRiskLimits } from './limits';
import { killSwitchDecision, RISK_RULES, riskFacts } from './rules';
import type { RiskCheckInput, RiskDecision } from './types';

/**
 * The risk engine (§6): a pure function of the user's limits, capital, open positions, today's stats,
 * the global safety state, the proposed trade and `now`. Rules, first blocking one wins: kill switch,
 * daily loss limit (today's PnL ≤ −limit% blocks), daily trade count (count ≥ limit blocks), max
 * concurrent trades (open ≥ limit blocks), per-symbol limit (open on symbol ≥ limit blocks), cooldown
 * after a losing close (blocks while now < last_loss_at + cooldown), exposure cap (Σ margin incl. the
 * new trade / capital > cap blocks — or shrinks the trade in `reduce` mode, code `exposure_reduced`).
 * Never throws: unusable input is `{allowed: false, code: 'invalid_input'}` (the kill switch still wins).
 */
export function checkRisk(input: RiskCheckInput): RiskDecision {
  const limits = resolveRiskLimits(input.limits);
  const facts = riskFacts(input);
  if (typeof facts === 'string') {
    return (
      killSwitchDecision(input) ?? {
        allowed: false,
        code: 'invalid_input',
        reason: facts,
        exposure_pct_after: null,
      }
    );
  }
  for (const rule of RISK_RULES) {
    const decision = rule(input, limits, facts);
    if (decision) return decision;
  }
  const after = facts.openMargin.plus(facts.margin).div(facts.capital).mul(100);
  return {
    allowed: true,
    code: 'ok',
    reason: 'All risk checks passed',
    exposure_pct_after: decStr(roundDp(after, PCT_DP)),
  };
}
