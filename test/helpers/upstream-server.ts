import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UpstreamServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** How many requests arrived. */
  count(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP server on a free loopback port that answers as `answer` says: for the upstream
 * behaviours the emulator does not play (errors, garbage, silence).
 */
export async function startUpstreamServer(
  answer: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<UpstreamServer> {
  let count = 0;
  const server = createServer((req, res) => {
    count += 1;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
