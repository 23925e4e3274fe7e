import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxiedConnection {
  /** `host:port` the client asked to reach. */
  target: string;
  at: number;
  /** Value of the Proxy-Authorization header, if any. */
  authorization: string | null;
}

/**
 * An HTTP forward proxy on 127.0.0.1 that only does `CONNECT` tunnels (what an HTTPS proxy with a
 * static egress IP does), recording every tunnel. Targets are restricted to 127.0.0.1 so a test can
 * never reach the internet through it. Plain (absolute-form) requests are refused with 405, so a
 * client that bypasses tunnelling is noticed.
 */
export class ConnectProxy {
  readonly connections: ProxiedConnection[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  url = '';

  constructor(private readonly options: { requireAuth?: string } = {}) {
    this.server = http.createServer((_req, res) => {
      res.writeHead(405, { 'content-type': 'text/plain' });
      res.end('only CONNECT is supported');
    });
    this.server.on('connection', (s: net.Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
      const target = req.url ?? '';
      const authorization = req.headers['proxy-authorization'] ?? null;
      this.connections.push({ target, at: Date.now(), authorization });
      const [host, portText] = splitHostPort(target);
      const port = Number(portText);
      if (this.options.requireAuth && authorization !== this.options.requireAuth) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\r\n');
        return;
      }
      if ((host !== '127.0.0.1' && host !== 'localhost') || !Number.isInteger(port) || port <= 0) {
        client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      this.sockets.add(upstream);
      upstream.on('close', () => this.sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function splitHostPort(target: string): [string, string] {
  const i = target.lastIndexOf(':');
  return i < 0 ? [target, ''] : [target.slice(0, i).replace(/^\[|\]$/g, ''), target.slice(i + 1)];
}
