export * from './connection';
export * from './errors';
export * from './migrate';
export * from './migrations';
export * from './repositories';
export * from './schema';
export * from './transaction-batcher';
