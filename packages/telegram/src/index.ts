export * from './html';
export * from './inbound';
export * from './mtproto';
export * from './rate-limiter';
export * from './templates';
export * from './transport';
// grammY, for the update poller (the server depends on this package, not on grammY directly).
export { Bot } from 'grammy';
export type { Update } from 'grammy/types';
