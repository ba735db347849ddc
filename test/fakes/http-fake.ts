import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the fake received it (for asserting counts, methods and that `check` never writes). */
export interface RecordedRequest {
  method: string;
  /** path without the query string */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** the original host, when a client rewrote it (Twilio sends it in X-Original-Host) */
  host?: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a route may do besides answering: stall past the client's timeout, or drop the connection. */
export type Action = Reply | { hang: true } | { reset: true };

export type Handler = (req: RecordedRequest) => Action | Promise<Action>;

/**
 * Called after the handler ran (its state change is done: the payment link exists, the message is queued) and
 * before the answer is written; the answer waits for the returned promise. Crash-safety tests use it to kill the
 * client at the moment "the server did the work but the client never heard back".
 */
export type Interceptor = (req: RecordedRequest, action: Action) => void | Promise<void>;

export interface HttpFake {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** added before every answer (benchmarks: "each peer answers after 50 ms") */
  delayMs: number;
  /**
   * Settable: see {@link Interceptor}. Sees every request (also faults, hangs and resets). If the client is gone
   * by the time the answer is written, the answer is dropped quietly; if it throws, the client gets a 500.
   */
  intercept?: Interceptor;
  /** requests whose method writes (POST, PUT, PATCH, DELETE) */
  writes(): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1 with an ephemeral port. The handler sees each request already parsed
 * and recorded; sockets are tracked so close() never waits on a stalled client.
 */
export async function startHttpFake(handler: Handler, options: { delayMs?: number } = {}): Promise<HttpFake> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    // A write to a socket the client already closed must not take the fake down.
    res.on('error', () => {});
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        host: typeof req.headers['x-original-host'] === 'string' ? req.headers['x-original-host'] : undefined,
      };
      requests.push(recorded);
      try {
        if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
        const action = await handler(recorded);
        if (fake.intercept) await fake.intercept(recorded, action);
        // The client may have died (or timed out and hung up) while the interceptor held the answer.
        if (res.destroyed || req.socket.destroyed) return;
        if ('hang' in action) {
          hanging.add(res);
          return;
        }
        if ('reset' in action) {
          req.socket.destroy();
          return;
        }
        const body = action.body === undefined ? '' : typeof action.body === 'string' ? action.body : JSON.stringify(action.body);
        res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers });
        res.end(body);
      } catch (error) {
        if (res.destroyed || req.socket.destroyed || res.headersSent) return;
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ fakeError: String((error as Error)?.stack ?? error) }));
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const fake: HttpFake = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    delayMs: options.delayMs ?? 0,
    writes: () => requests.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method)),
    reset: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return fake;
}
