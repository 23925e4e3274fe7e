export * from './client-order-id';
export * from './errors';
export * from './types';
