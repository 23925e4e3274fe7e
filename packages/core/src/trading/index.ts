export * from './market-rules';
export * from './split-qty';
export * from './sizing';
export * from './preview';
export * from './position';
export * from './risk';
export * from './stats';
export * from './outcome';
