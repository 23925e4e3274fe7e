export * from './ccxt';
export * from './market-data';
export * from './paper';
export * from './port';
