export * from './load-secrets';
