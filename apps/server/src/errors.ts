/** An error the client caused or may see (services throw it; the HTTP layer answers it): a status, a stable code and a human reason. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    readonly reason: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(reason);
    this.name = 'ApiError';
  }
}

export const badRequest = (error: string, reason: string) => new ApiError(400, error, reason);
export const unauthorized = (error: string, reason: string) => new ApiError(401, error, reason);
export const forbidden = (error: string, reason: string) => new ApiError(403, error, reason);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (error: string, reason: string) => new ApiError(409, error, reason);
export const tooManyRequests = (error: string, reason: string, retryAfterSeconds: number) =>
  new ApiError(429, error, reason, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
