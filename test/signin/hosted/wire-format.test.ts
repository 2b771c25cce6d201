import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pingSession, requireSession, type LogDetails } from '../../../src';
import { Browser, type Page } from '../../helpers/browser';
import { sentSecrets } from '../../helpers/captured-output';
import { sessionJson } from '../../helpers/session-json';

/*
 * An independent fake PingOne, written from ../shared/pingone/FLOWS.md §10 alone (not from the
 * emulator): authorize is a browser redirect back to `redirect_uri` with `code` and `state`, and
 * completes at once when the fake's own `ST` (on its host, `Path=/{envID}`) names a live session
 * (single sign-on) unless `prompt=login` or `max_age` asks again; the token endpoint redeems the
 * code against its PKCE S256 verifier and answers RS256 JWTs whose `iss` is `{auth}/{envID}/as`,
 * the ID token with `sid` and a remapped, non-UUID `sub` (the access token carries `sid` too);
 * `GET sessions/{id}` and `POST sessions/{id}` (logout media type, 204) with the worker token;
 * `/as/signoff` clears `ST`. Its keys are published at `/as/jwks`, where PingOne's OpenID
 * configuration names them.
 */
const ENV = '0f3c2a1b-5d6e-4f70-8192-a3b4c5d6e7f8';
const USER = 'a7d2f0c1-3b4e-4c5d-8e6f-708192a3b4c5';
const CLIENT = 'hosted-app';
const CLIENT_SECRET = 'hosted-app-secret-for-the-fake';
const WORKER = 'worker-access-token-of-the-fake';
const COOKIE_SECRET = 'cookie-secret-of-the-wire-format-test!!';
sentSecrets.push(CLIENT_SECRET, WORKER, COOKIE_SECRET);

interface FakeSettings {
  /** Where the session ID travels: the ID token's `sid`, or only the access token's. */
  sidIn: 'id_token' | 'access_token';
  /** What the ID token claims differently from a good one, to be refused. */
  spoil?: 'nonce' | 'audience' | 'key' | 'expired';
}

interface FakeSession {
  id: string;
  token: string;
  signedOnAt: number;
  ended: boolean;
}

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

let fake: Server;
let base: string;
let settings: FakeSettings;
let sessions: FakeSession[];
let codes: Map<
  string,
  { session: FakeSession; challenge: string; nonce: string; redirect: string }
>;
let calls: string[];

function jwt(claims: object, key: KeyObject = keys.privateKey): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: 'fake' })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const send = (res: ServerResponse, status: number, body?: unknown, headers = {}) => {
  res.writeHead(status, {
    ...(body !== undefined && { 'Content-Type': 'application/json' }),
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url!, base);
  calls.push(`${req.method} ${url.pathname}`);
  const st = /(?:^|;\s*)ST=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const worker = req.headers.authorization === `Bearer ${WORKER}`;
  const byId = new RegExp(`^/v1/environments/${ENV}/sessions/([^/]+)$`).exec(url.pathname)?.[1];
  if (byId !== undefined) {
    const session = sessions.find((s) => s.id === byId && !s.ended);
    if (!worker) return send(res, 401, { id: 'e1', code: 'ACCESS_FAILED' });
    if (req.method === 'POST') {
      if (req.headers['content-type'] !== 'application/vnd.pingidentity.sso.session.logout') {
        return send(res, 415, { id: 'e2', code: 'INVALID_REQUEST' });
      }
      if (session) session.ended = true;
      return session ? send(res, 204) : send(res, 404, { id: 'e3', code: 'NOT_FOUND' });
    }
    if (!session) return send(res, 404, { id: 'e4', code: 'NOT_FOUND' });
    return send(
      res,
      200,
      sessionJson(ENV, {
        id: session.id,
        user: { id: USER },
        lastSignOn: {
          at: new Date(session.signedOnAt).toISOString(),
          authenticators: ['pwd'],
          remoteIp: '127.0.0.1',
        },
      }),
    );
  }
  switch (`${req.method} ${url.pathname}`) {
    case `GET /${ENV}/as/authorize`: {
      const q = url.searchParams;
      let session = sessions.find((s) => s.token === st && !s.ended);
      const maxAge = Number(q.get('max_age') ?? Infinity);
      const again =
        q.get('prompt') === 'login' || Date.now() - (session?.signedOnAt ?? 0) > maxAge * 1000;
      if (session === undefined) {
        session = { id: randomUUID(), token: randomUUID(), signedOnAt: Date.now(), ended: false };
        sessions.push(session);
      } else if (again) {
        // The same person signing on again: the same session, a new sign-on time.
        session.signedOnAt = Date.now() + 1;
      }
      const code = randomUUID();
      codes.set(code, {
        session,
        challenge: q.get('code_challenge') ?? '',
        nonce: q.get('nonce') ?? '',
        redirect: q.get('redirect_uri') ?? '',
      });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      return send(res, 302, undefined, {
        Location: back.href,
        'Set-Cookie': `ST=${session.token}; Path=/${ENV}; HttpOnly; SameSite=Lax`,
      });
    }
    case `GET /${ENV}/as/signoff`: {
      const session = sessions.find((s) => s.token === st);
      if (session) session.ended = true;
      return send(res, 302, undefined, {
        Location: url.searchParams.get('post_logout_redirect_uri') ?? base,
        'Set-Cookie': `ST=; Path=/${ENV}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
      });
    }
    case `GET /${ENV}/as/jwks`:
      return send(res, 200, {
        keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'fake', alg: 'RS256' }],
      });
    case `POST /${ENV}/as/token`:
      return token(req, res, new URLSearchParams(body));
    default:
      return send(res, 404, { id: 'e5', code: 'NOT_FOUND' });
  }
}

function token(req: IncomingMessage, res: ServerResponse, form: URLSearchParams): void {
  const basic = `Basic ${Buffer.from(`${CLIENT}:${CLIENT_SECRET}`).toString('base64')}`;
  if (form.get('grant_type') === 'client_credentials') {
    return send(res, 200, { access_token: WORKER, token_type: 'Bearer', expires_in: 3600 });
  }
  if (req.headers.authorization !== basic) return send(res, 401, { error: 'invalid_client' });
  const issued = codes.get(form.get('code') ?? '');
  codes.delete(form.get('code') ?? '');
  const verifier = createHash('sha256')
    .update(form.get('code_verifier') ?? '')
    .digest('base64url');
  if (
    issued === undefined ||
    verifier !== issued.challenge ||
    form.get('redirect_uri') !== issued.redirect
  ) {
    return send(res, 400, { error: 'invalid_grant' });
  }
  const now = Math.floor(Date.now() / 1000);
  const iss = `${base}/${ENV}/as`;
  const spoil = settings.spoil;
  const idClaims = {
    iss,
    sub: 'ada.lovelace@example.com',
    aud: spoil === 'audience' ? 'another-app' : CLIENT,
    iat: now,
    exp: spoil === 'expired' ? now - 60 : now + 3600,
    nonce: spoil === 'nonce' ? 'another-nonce' : issued.nonce,
    ...(settings.sidIn === 'id_token' && { sid: issued.session.id }),
  };
  send(res, 200, {
    token_type: 'Bearer',
    expires_in: 3600,
    id_token: jwt(idClaims, spoil === 'key' ? otherKey : keys.privateKey),
    access_token: jwt({
      iss,
      sub: USER,
      aud: [`${base}/v1`],
      iat: now,
      exp: now + 3600,
      sid: issued.session.id,
    }),
  });
}

beforeEach(async () => {
  settings = { sidIn: 'id_token' };
  sessions = [];
  codes = new Map();
  calls = [];
  fake = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => answer(req, res, body));
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});

let apps: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
  fake.closeAllConnections();
  await new Promise((resolve) => fake.close(resolve));
});

/** An app on its own origin (its own port) against the fake, its session checked every request. */
async function appOnItsOrigin(logs: LogDetails[] = []): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const app = express();
  const log = (_message: string, details: LogDetails) => void logs.push(details);
  app.use(
    pingSession({
      environmentId: ENV,
      apiPath: `${base}/v1`,
      authPath: base,
      accessToken: WORKER,
      cache: false,
      logger: { warn: log, info: log },
      signIn: {
        clientId: CLIENT,
        clientSecret: CLIENT_SECRET,
        redirectUri: `${url}/callback`,
        postLogoutRedirectUri: `${url}/`,
        cookieSecret: COOKIE_SECRET,
      },
    }),
  );
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  app.get('/recent', requireSession({ loginUrl: '/signin', maxAuthAgeSeconds: 60 }), (req, res) =>
    res.json(req.pingSession!.lastSignOn),
  );
  server.on('request', app);
  apps.push({
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
  return url;
}

const json = (page: Page) => JSON.parse(page.body) as { id?: string; user?: { id: string } } | null;

describe('against a fake PingOne built from FLOWS.md §10', () => {
  it('signs in: redirect, code and PKCE, the session read by its sid', async () => {
    const app = await appOnItsOrigin();
    const browser = new Browser();
    const landed = await browser.goto(`${app}/signin`);
    expect(landed.url).toBe(`${app}/`);
    const me = json(await browser.goto(`${app}/me`))!;
    expect(me).toMatchObject({ id: sessions[0]!.id, user: { id: USER } });
    expect(calls).toContain(`GET /v1/environments/${ENV}/sessions/${sessions[0]!.id}`);
  });

  it('takes the session ID from the access token when the ID token has no sid', async () => {
    settings.sidIn = 'access_token';
    const app = await appOnItsOrigin();
    const browser = new Browser();
    await browser.goto(`${app}/signin`);
    expect(json(await browser.goto(`${app}/me`))).toMatchObject({ id: sessions[0]!.id });
  });

  it('signs a second app on another origin in with the same session: single sign-on', async () => {
    const [a, b] = [await appOnItsOrigin(), await appOnItsOrigin()];
    const browser = new Browser();
    await browser.goto(`${a}/signin`);
    await browser.goto(`${b}/signin`);
    expect(sessions).toHaveLength(1);
    expect(json(await browser.goto(`${b}/me`))).toMatchObject({ id: sessions[0]!.id });
  });

  it('asks again for a step-up and keeps the session ID', async () => {
    const app = await appOnItsOrigin();
    const browser = new Browser();
    await browser.goto(`${app}/signin`);
    sessions[0]!.signedOnAt -= 120_000;
    const stepped = await browser.goto(`${app}/recent`);
    expect(calls.filter((call) => call.endsWith('/as/authorize'))).toHaveLength(2);
    expect(stepped.url).toBe(`${app}/recent`);
    expect(sessions).toHaveLength(1);
    expect(json(await browser.goto(`${app}/me`))).toMatchObject({ id: sessions[0]!.id });
  });

  it('ends the PingOne session on logout for both apps, and PingOne signs off its own ST', async () => {
    const [a, b] = [await appOnItsOrigin(), await appOnItsOrigin()];
    const browser = new Browser();
    await browser.goto(`${a}/signin`);
    await browser.goto(`${b}/signin`);
    const out = await browser.submit(`${b}/logout`, {}, `${b}/`);
    expect(out.url).toBe(`${b}/`);
    expect(sessions[0]!.ended).toBe(true);
    expect(calls).toContain(`POST /v1/environments/${ENV}/sessions/${sessions[0]!.id}`);
    expect(calls).toContain(`GET /${ENV}/as/signoff`);
    expect(json(await browser.goto(`${a}/me`))).toBeNull();
    expect(await browser.cookie(`${base}/${ENV}/`, 'ST')).toBeUndefined();
  });

  it.each([
    ["another sign-in's nonce", 'nonce'],
    ['another application as audience', 'audience'],
    ['a signature by another key', 'key'],
    ['an expiry in the past', 'expired'],
  ] as const)(
    'refuses an ID token with %s: nobody signed in, the reason logged',
    async (_case, spoil) => {
      settings.spoil = spoil;
      const logs: LogDetails[] = [];
      const app = await appOnItsOrigin(logs);
      const browser = new Browser();
      const page = await browser.goto(`${app}/signin`);
      expect(page.status).toBe(502);
      expect(json(await browser.goto(`${app}/me`))).toBeNull();
      expect(logs).toContainEqual(
        expect.objectContaining({ event: 'signin_failed', reason: 'id_token_invalid' }),
      );
    },
  );
});
