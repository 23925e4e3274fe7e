import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** What one `POST /--/api/v2/push/send` carried. */
export interface FakePushRequest {
  messages: { to: string; title?: string; body?: string; data?: Record<string, unknown> }[];
  headers: http.IncomingHttpHeaders;
}

type TokenFate = 'ok' | 'ticket_not_registered' | 'receipt_not_registered' | 'receipt_error';

/**
 * Expo's push service on 127.0.0.1, as the official SDK speaks to it: `POST /--/api/v2/push/send`
 * (a JSON array of messages, gzip-compressed when large, at most 100) answers `{data: tickets[]}` in
 * order; `POST /--/api/v2/push/getReceipts` (`{ids}`) answers `{data: {id: receipt}}`. Tokens can be
 * scripted to be reported unregistered at send time or in the receipt; `failNext` answers an HTTP
 * error for the next send request.
 */
export class FakeExpoPush {
  readonly sends: FakePushRequest[] = [];
  readonly receiptRequests: string[][] = [];
  private readonly fates = new Map<string, TokenFate>();
  private readonly tickets = new Map<string, { token: string }>();
  private failures: number[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server | null = null;
  url = '';

  setFate(token: string, fate: TokenFate): void {
    this.fates.set(token, fate);
  }

  /** The next `n` send requests answer this HTTP status (e.g. 503, 429). */
  failNext(status: number, n = 1): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  /** Every message delivered so far (flattened across requests). */
  get delivered(): FakePushRequest['messages'] {
    return this.sends.flatMap((s) => s.messages);
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let raw = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
    const json = (body: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return json({ errors: [{ code: 'VALIDATION_ERROR', message: 'body is not JSON' }] }, 400);
    }
    if (req.method === 'POST' && req.url === '/--/api/v2/push/send') {
      const failure = this.failures.shift();
      if (failure !== undefined) {
        return json({ errors: [{ code: 'INTERNAL_SERVER_ERROR', message: 'scripted failure' }] }, failure);
      }
      const messages = (Array.isArray(body) ? body : [body]) as FakePushRequest['messages'];
      if (messages.length > 100) {
        return json(
          { errors: [{ code: 'PUSH_TOO_MANY_NOTIFICATIONS', message: 'at most 100 per request' }] },
          400,
        );
      }
      this.sends.push({ messages, headers: req.headers });
      const data = messages.map((m) => {
        if (this.fates.get(m.to) === 'ticket_not_registered') {
          return {
            status: 'error',
            message: `"${m.to}" is not a registered push notification recipient`,
            details: { error: 'DeviceNotRegistered', expoPushToken: m.to },
          };
        }
        const id = randomUUID();
        this.tickets.set(id, { token: m.to });
        return { status: 'ok', id };
      });
      return json({ data });
    }
    if (req.method === 'POST' && req.url === '/--/api/v2/push/getReceipts') {
      const ids = ((body as { ids?: string[] }).ids ?? []).slice();
      this.receiptRequests.push(ids);
      const data: Record<string, unknown> = {};
      for (const id of ids) {
        const ticket = this.tickets.get(id);
        if (!ticket) continue;
        const fate = this.fates.get(ticket.token);
        data[id] =
          fate === 'receipt_not_registered'
            ? {
                status: 'error',
                message: 'The device cannot receive push notifications anymore',
                details: { error: 'DeviceNotRegistered', expoPushToken: ticket.token },
              }
            : fate === 'receipt_error'
              ? { status: 'error', message: 'Message too big', details: { error: 'MessageTooBig' } }
              : { status: 'ok' };
      }
      return json({ data });
    }
    json({ errors: [{ code: 'NOT_FOUND', message: `no route ${req.method} ${req.url}` }] }, 404);
  }
}
