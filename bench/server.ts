/*
 * One server under test, in its own process. The scenario and the emulator's settings come in
 * BENCH_SCENARIO and BENCH_SETTINGS; the port goes back over IPC. Every scenario answers the same
 * route with the same body; /check tells the parent whether a session was attached.
 */
import axios from 'axios';
import express, { type RequestHandler } from 'express';
import session from 'express-session';
import { auth } from 'express-openid-connect';
import { Cluster, Redis } from 'ioredis';
import { pingSession } from 'express-pingone-session';
import { RedisStore } from 'express-pingone-session/redis';
import { realisticSessionJson } from './realistic-session';
import type { Scenario } from './scenarios';

declare module 'express-session' {
  interface SessionData {
    user: { user: { id: string } };
  }
}

/** What the peers keep for a signed-in user: the same realistic session the emulator serves. */
const REALISTIC_SESSION = JSON.parse(realisticSessionJson(1)) as { user: { id: string } };

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
                  // A cluster's nodes come comma-separated (bench-redis.ts).
                  store: new RedisStore({ url: redis.includes(',') ? redis.split(',') : redis }),
                  keySecret: 'bench-key-secret-0123456789abcdefghijkl',
                }
              : cache,
        }),
      ];
    }
    case 'naive':
      return [naiveSessionCheck()];
    case 'redis-read':
      return [redisRead()];
    case 'express-session':
      return [
        session({ secret: 'bench-secret', resave: false, saveUninitialized: false }),
        (req, _res, next) => {
          if (req.path === '/login') req.session.user = REALISTIC_SESSION;
          next();
        },
      ];
    case 'express-openid-connect':
      return [
        auth({
          authRequired: false,
          auth0Logout: false,
          idpLogout: false,
          issuerBaseURL: 'https://issuer.example',
          baseURL: 'http://127.0.0.1',
          clientID: 'bench',
          secret: 'bench-secret-0123456789abcdefghijklmnop',
          routes: { login: false, logout: false, callback: false },
        }),
        (req, _res, next) => {
          // Its session holds tokens; req.oidc.user decodes the ID token's claims, here the
          // realistic session's fields.
          if (req.path === '/login') {
            const claims = Buffer.from(JSON.stringify(REALISTIC_SESSION)).toString('base64url');
            (req as unknown as { appSession: Record<string, string> }).appSession.id_token =
              `eyJhbGciOiJSUzI1NiJ9.${claims}.signature`;
          }
          next();
        },
      ];
  }
}

/** What a route reads: the signed-in user's ID, wherever the scenario's middleware put it. */
function userIdOf(req: express.Request): string | undefined {
  const found =
    req.pingSession ??
    (req as { user?: { user?: { id: string } } }).user ??
    req.session?.user ??
    (req as { oidc?: { user?: { user?: { id: string } } } }).oidc?.user;
  return found?.user?.id;
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

/**
 * What connect-redis does to read a session, and nothing more: GET the session's JSON from Redis
 * and parse it. Every request reads the same key; Redis's cost does not depend on which.
 */
function redisRead(): RequestHandler {
  const url = process.env.BENCH_REDIS_URL!;
  const client = url.includes(',') ? new Cluster(url.split(',')) : new Redis(url);
  const key = 'bench:redis-read';
  // Sent before any GET on the same connection, so every GET finds it.
  void client.set(key, realisticSessionJson(1));
  return (req, _res, next) => {
    client.get(key).then((json) => {
      (req as { user?: unknown }).user = JSON.parse(json!);
      next();
    }, next);
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
app.get('/hello', (req, res) => {
  // Read as a route would, and used, so that the read cannot be left out.
  if (userIdOf(req) === '') res.status(500);
  res.type('application/json').send('{"hello":"world"}');
});
app.get('/login', (_req, res) => res.send('ok'));
app.get('/check', (req, res) => {
  res.json({ session: userIdOf(req) !== undefined });
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
