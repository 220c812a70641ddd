import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = '503' | '500' | 'reset' | 'stall';

export interface FaultProxyOptions {
  /** The S3 server to forward to, e.g. http://127.0.0.1:7480. */
  target: string;
  /** Share of requests to fail, 0 to 1. */
  failureRate: number;
  /** Faults to choose from, in turn. */
  faults: Fault[];
  /** How long a stalled request waits before it is forwarded. */
  stallMs?: number;
  /** Deterministic choice of the failed requests. */
  seed?: number;
}

/**
 * An HTTP proxy on 127.0.0.1 between the connector and the S3 server that fails a chosen share of
 * requests: 503 SlowDown, 500 InternalError, a reset connection (after reading the request), or a
 * stall before forwarding. The Host header is forwarded unchanged, so SigV4 signatures still match.
 * Every request counts once; its fault, if any, is recorded.
 */
export class FaultProxy {
  /** Every request; `body` holds the text of small bodies (form-encoded API calls such as STS). */
  readonly log: { method: string; path: string; fault?: Fault; body?: string }[] = [];
  private server: Server | undefined;
  private rand: () => number;
  private turn = 0;

  constructor(private readonly options: FaultProxyOptions) {
    let s = options.seed ?? 7;
    this.rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  get faults(): number {
    return this.log.filter((l) => l.fault).length;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const fault = this.rand() < this.options.failureRate ? this.options.faults[this.turn++ % this.options.faults.length] : undefined;
    const entry: (typeof this.log)[number] = { method: req.method ?? '', path: req.url ?? '', ...(fault ? { fault } : {}) };
    this.log.push(entry);
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      const size = body.reduce((n, b) => n + b.length, 0);
      if (size > 0 && size < 4096) entry.body = Buffer.concat(body).toString('utf8');
      if (fault === '503' || fault === '500') {
        const code = fault === '503' ? 'SlowDown' : 'InternalError';
        res.writeHead(Number(fault), { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected</Message></Error>`);
        return;
      }
      if (fault === 'reset') {
        req.socket.destroy();
        return;
      }
      const forward = () => this.forward(req, Buffer.concat(body), res);
      if (fault === 'stall') setTimeout(forward, this.options.stallMs ?? 10_000);
      else forward();
    });
  }

  private forward(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const target = new URL(this.options.target);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  }
}
