/*
 * One server under test, in its own process. The scenario and the emulator's settings come in
 * BENCH_SCENARIO and BENCH_SETTINGS; the port goes back over IPC. Every scenario answers the same
 * route with the same body; /check tells the parent whether a session was attached.
 */
import axios from 'axios';
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import { pingSession } from 'express-pingone-session';
import { RedisStore } from 'express-pingone-session/redis';
import type { Scenario } from './scenarios';

declare module 'express-session' {
  interface SessionData {
    user: string;
  }
}

const scenario = JSON.parse(process.env.BENCH_SCENARIO ?? '{}') as Scenario;
const settings = JSON.parse(process.env.BENCH_SETTINGS ?? '{}') as Record<string, string>;

function middleware(): RequestHandler[] {
  switch (scenario.app) {
    case 'bare':
      return [];
    case 'pingSession': {
      const redis = process.env.BENCH_REDIS_URL;
      const cache = (scenario.options?.cache ?? {}) as Record<string, unknown> | false;
      return [
        pingSession({
          ...settings,
          ...scenario.options,
          logger: false,
          cache:
            redis && cache !== false
              ? {
                  ...cache,
                  store: new RedisStore({ url: redis }),
                  keySecret: 'bench-key-secret-0123456789abcdefghijkl',
                }
              : cache,
        }),
      ];
    }
    case 'naive':
      return [naiveSessionCheck()];
    case 'express-session':
      return [
        session({ secret: 'bench-secret', resave: false, saveUninitialized: false }),
        (req, _res, next) => {
          if (req.path === '/login') req.session.user = 'ada';
          next();
        },
      ];
  }
}

/** What a user would write by hand: parse the cookie, call PingOne with axios on every request. */
function naiveSessionCheck(): RequestHandler {
  let accessToken: string | undefined;
  return async (req, _res, next) => {
    try {
      const st = /(?:^|;\s*)ST=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (st) {
        accessToken ??= (
          await axios.post(
            `${settings.authPath}/${settings.environmentId}/as/token`,
            'grant_type=client_credentials',
            { auth: { username: settings.clientId!, password: settings.clientSecret! } },
          )
        ).data.access_token as string;
        const { data } = await axios.get(
          `${settings.apiPath}/environments/${settings.environmentId}/sessions/me`,
          { headers: { Authorization: `Bearer ${accessToken}`, Cookie: `ST=${st}` } },
        );
        (req as { user?: unknown }).user = data;
      }
      next();
    } catch {
      next();
    }
  };
}

let served = 0;
const app = express();
app.set('etag', false);
app.use((_req, _res, next) => {
  served += 1;
  next();
});
for (const handler of middleware()) app.use(handler);
app.get('/hello', (_req, res) => {
  res.type('application/json').send('{"hello":"world"}');
});
app.get('/login', (_req, res) => res.send('ok'));
app.get('/check', (req, res) => {
  const attached =
    (req as { pingSession?: unknown }).pingSession ??
    (req as { user?: unknown }).user ??
    req.session?.user;
  res.json({ session: attached !== undefined });
});

let peakRss = 0;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
sample.unref();

process.on('SIGINT', () => process.exit(0));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({
    type: 'ready',
    port: typeof address === 'object' && address ? address.port : 0,
  });
});
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const { user, system } = process.cpuUsage();
    process.send?.({ type: 'stats', peakRss, cpuMicros: user + system, served });
  }
});
