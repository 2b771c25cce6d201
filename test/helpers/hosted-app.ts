import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import {
  listSessions,
  pingSession,
  requireSession,
  type LogDetails,
  type PingSessionOptions,
  type SignInOptions,
} from '../../src';
import type { Emulator } from '../../src/emulator';
import { capturedOutput } from './captured-output';

export interface HostedApp {
  /** Its origin, such as `http://127.0.0.1:41234`. */
  url: string;
  app: Express;
  logs: { message: string; details: LogDetails }[];
  close(): Promise<void>;
}

/**
 * An app in hosted sign-on mode against `emulator`, listening on a port of its own so that its
 * `redirectUri` is real: `GET /me` (the session or `null`), `GET /private` (`requireSession()`,
 * sign-in at `/signin`), `GET /recent` (a sign-on of the last 5 minutes), `GET /devices`.
 */
export async function startHostedApp(
  emulator: Emulator,
  options: PingSessionOptions = {},
  signIn: SignInOptions = {},
): Promise<HostedApp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = emulator.options({ signIn: 'hosted', redirectUri: `${url}/auth/callback` });
  const logs: HostedApp['logs'] = [];
  const log = (message: string, details: LogDetails) => {
    logs.push({ message, details });
    capturedOutput.push(`${message} ${JSON.stringify(details)}`);
  };
  const app = express();
  app.use(
    pingSession({
      ...base,
      logger: { warn: log, info: log },
      ...options,
      signIn: { ...(base.signIn as SignInOptions), ...signIn },
    }),
  );
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  app.get('/private', requireSession({ loginUrl: '/signin' }), (req, res) =>
    res.json({ user: req.pingSession!.user.id }),
  );
  app.get('/recent', requireSession({ loginUrl: '/signin', maxAuthAgeSeconds: 300 }), (req, res) =>
    res.json({ signedOnAt: req.pingSession!.lastSignOn?.at }),
  );
  app.get('/devices', requireSession(), async (req, res) => res.json(await listSessions(req)));
  server.on('request', app);
  return {
    url,
    app,
    logs,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
