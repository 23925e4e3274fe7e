/** Thrown for anything that says nothing about the transaction: network, timeout, 4xx/5xx, bad JSON. */
export class TronGridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TronGridError';
  }
}

export interface TronGridOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  /** Aborts in-flight requests (worker shutdown). */
  signal?: AbortSignal;
}

/**
 * The two calls of the TronGrid (java-tron) HTTP API the verifier needs, over Node's fetch. The
 * API key goes in the TRON-PRO-API-KEY header and never into an error message or a log line.
 */
export class TronGridClient {
  constructor(private readonly options: TronGridOptions) {}

  /** Final (solidified) execution info of a transaction; `{}` while it isn't final or is unknown. */
  transactionInfo(txid: string): Promise<Record<string, unknown>> {
    return this.post('/walletsolidity/gettransactioninfobyid', { value: txid });
  }

  /** The transaction as the full node knows it (also before it is final); `{}` when unknown. */
  transaction(txid: string): Promise<Record<string, unknown>> {
    return this.post('/wallet/gettransactionbyid', { value: txid });
  }

  private async post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const { baseUrl, apiKey, timeoutMs, signal } = this.options;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (apiKey) headers['TRON-PRO-API-KEY'] = apiKey;
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      text = await response.text();
    } catch (err) {
      if (timeout.aborted) throw new TronGridError(`${path}: no answer within ${timeoutMs} ms`);
      const cause =
        err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : 'error';
      throw new TronGridError(`${path}: ${cause}`);
    }
    if (!response.ok) throw new TronGridError(`${path}: HTTP ${response.status}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TronGridError(`${path}: answer is not JSON`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new TronGridError(`${path}: answer is not a JSON object`);
    }
    const result = parsed as Record<string, unknown>;
    // java-tron reports its own errors with HTTP 200 and an "Error" field.
    if (typeof result.Error === 'string') throw new TronGridError(`${path}: ${result.Error.slice(0, 200)}`);
    return result;
  }
}
