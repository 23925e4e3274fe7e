export * from './signal-outcome';
export * from './outcome-stats';
