export { createPaperVenue, PAPER_VENUE, type PaperVenue } from './paper-venue';
export type { PaperLogger, PaperVenueOptions } from './options';
export { PAPER_MARKETS, FALLBACK_MAX_LEVERAGE, fallbackMarketSpec, type PaperMarketSpec } from './markets';
export { TriggerBook, triggerDirection, type TriggerDirection, type TriggerEntry } from './trigger-book';
export { levelKey } from './level-key';
