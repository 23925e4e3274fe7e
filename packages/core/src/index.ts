export * from './money';
export * from './types';
export * from './signal';
export * from './trading';
