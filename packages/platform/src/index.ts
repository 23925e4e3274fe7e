export * from './config';
export * from './secrets';
export * from './logger';
export * from './clock';
export * from './crypto';
