import { createServer, request as forward, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingProxy {
  /** `http://127.0.0.1:<port>`, standing in for the target's origin. */
  url: string;
  /**
   * From now on, answers of requests whose path matches are held once the target has answered:
   * what the target said stays what it said then, however things change meanwhile.
   */
  hold(path: RegExp): void;
  /** How many answers are held now. */
  held(): number;
  /** Sends the held answers on, and holds no more. */
  release(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A real HTTP proxy on a free loopback port in front of `target`, which can hold answers on
 * their way back: a PingOne answer that left before something changed and arrives after.
 */
export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  let holding: RegExp | undefined;
  let waiting: (() => void)[] = [];
  const server = createServer((req, res) => {
    const upstream = forward(new URL(req.url ?? '/', target), {
      method: req.method,
      headers: { ...req.headers, host: new URL(target).host },
    });
    upstream.on('response', (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const got: Answer = {
          status: answer.statusCode ?? 502,
          headers: answer.headers,
          body: Buffer.concat(chunks),
        };
        const send = () => res.writeHead(got.status, got.headers).end(got.body);
        if (holding?.test(req.url ?? '')) waiting.push(send);
        else send();
      });
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold(path) {
      holding = path;
    },
    held: () => waiting.length,
    release() {
      holding = undefined;
      const sends = waiting;
      waiting = [];
      for (const send of sends) send();
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
