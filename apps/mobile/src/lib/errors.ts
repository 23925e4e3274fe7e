import { ApiError } from '@verzek/contract';

/** The human text of anything a call threw. */
export function message(error: unknown): string {
  if (error instanceof ApiError) return error.reason;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}

export function code(error: unknown): string | null {
  return error instanceof ApiError ? error.error : null;
}
