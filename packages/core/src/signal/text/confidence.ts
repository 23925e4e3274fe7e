import type { UpdateKind } from '../types';
import type { SymbolScore } from './symbol-finder';

export interface SignalEvidence {
  /** 2: long/short word, 1: buy/sell word, 0: implied by the prices */
  directionStrength: 0 | 1 | 2;
  hasStop: boolean;
  entryLabeled: boolean;
  targetCount: number;
  symbolScore: SymbolScore;
  /** several different pairs are named: which one is meant is less certain */
  manySymbols: boolean;
  hasLeverage: boolean;
}

function clamp(x: number): number {
  return Math.round(Math.min(0.99, Math.max(0.05, x)) * 100) / 100;
}

/**
 * A complete setup starts at 0.5; an explicit LONG/SHORT word adds 0.15 (buy/sell 0.10), a stop 0.15,
 * a labelled entry 0.05, two or more targets 0.05, a full or tagged pair 0.05 (a bare ticker takes 0.05
 * off), a leverage 0.03; naming several pairs takes 0.15 off. A full setup with an explicit direction
 * and a stop scores 0.95 and more; an implied direction without a stop about 0.65.
 */
export function signalConfidence(e: SignalEvidence): number {
  let c = 0.5;
  c += e.directionStrength === 2 ? 0.15 : e.directionStrength === 1 ? 0.1 : 0;
  if (e.hasStop) c += 0.15;
  if (e.entryLabeled) c += 0.05;
  if (e.targetCount >= 2) c += 0.05;
  c += e.symbolScore >= 2 ? 0.05 : -0.05;
  if (e.hasLeverage) c += 0.03;
  if (e.manySymbols) c -= 0.15;
  return clamp(c);
}

/**
 * An update starts at 0.6; said in words ("reached", "cancelled") rather than only with an emoji adds
 * 0.2; naming the pair adds 0.1 (a bare ticker 0.05); a take-profit number adds 0.05.
 */
export function updateConfidence(
  kind: UpdateKind,
  worded: boolean,
  symbolScore: SymbolScore,
  target: number | null,
): number {
  let c = 0.6;
  if (worded) c += 0.2;
  c += symbolScore >= 2 ? 0.1 : symbolScore === 1 ? 0.05 : 0;
  if (kind === 'TP_HIT' && target !== null) c += 0.05;
  return clamp(c);
}
