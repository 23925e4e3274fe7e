export * from './drawdown';
export * from './daily-stats';
