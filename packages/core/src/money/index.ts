export * from './decimal';
export * from './aggregate';
export * from './rounding';
