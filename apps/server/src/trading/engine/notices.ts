import type { NotifyCommand } from '@verzek/core';
import type { UserNoticeKind } from '../../services/notify/notify';

/** Which position notifications become user notices, and as what. */
export function noticeKind(command: NotifyCommand): UserNoticeKind | null {
  switch (command.kind) {
    case 'opened':
      return 'position_opened';
    case 'closed':
    case 'canceled':
      return 'position_closed';
    case 'tp_hit':
    case 'stop_moved':
    case 'order_rejected':
    case 'close_failed':
    case 'invalid_plan':
      return 'position_update';
    default:
      return null;
  }
}
