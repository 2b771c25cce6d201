import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import request from 'supertest';
import { pingSession, type LogDetails } from '../../src';
import { sentSecrets } from '../helpers/captured-output';
import { sessionJson } from '../helpers/session-json';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server';

/*
 * An independent fake PingOne, written from ../shared/pingone/FLOWS.md alone (not from the
 * emulator): the documented flow object (`id`, `status`, `resumeUrl`, `_links`, no `_embedded`),
 * the documented ST header on the identifying call (Path=/{envID}, Max-Age, Expires, Secure,
 * HttpOnly, SameSite=None), a second cookie of the kind FLOWS.md marks UNCONFIRMED (ST-NO-SS)
 * that a browser would send back too, and resume JSON with `authorizeResponse.code` and no
 * `state`. Every later call must carry every cookie set, as PingOne checks the cookie.
 */
const ENV = '082dba86-d36e-413e-85b4-ee499a5cea55';
const USER = '07e1ee43-9f56-4254-8cfb-1709b5ea8e24';
const ST = '3e0967f4-aba0-479c-86cf-fb5fe5b804d6';
const NO_SS = 'a1b2c3d4-0000-4000-8000-0123456789ab';
const CODE = 'the-authorization-code-0123456789';
const PASSWORD = 'documented-Passw0rd';
sentSecrets.push(ST, NO_SS, CODE, PASSWORD);

interface FakeSettings {
  /** The status after the password: `COMPLETED`, or a step the route does not support. */
  afterPassword: string;
  /** The ST cookie's lifetime attributes: PingOne's default persistent cookie, or none. */
  persistent: boolean;
  /** How resume answers: JSON (pi.flow), a redirect with the code, or JSON echoing another state. */
  resume: 'json' | 'redirect' | 'wrong-state';
  /** The nonce the ID token carries: the one sent to authorize, unless set. */
  nonce?: string;
  /** The user the ID token names: the session's, unless set. */
  sub?: string;
}

let fake: UpstreamServer;
let settings: FakeSettings;
let received: { method: string; url: string; cookie: string | undefined }[];
let nonce: string | undefined;

const json = (res: ServerResponse, status: number, body: unknown, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

function answer(req: IncomingMessage, res: ServerResponse, body: string) {
  const url = new URL(req.url!, fake.url);
  received.push({ method: req.method!, url: url.pathname, cookie: req.headers.cookie });
  const both = req.headers.cookie === `ST=${ST}; ST-NO-SS=${NO_SS}`;
  const flowObject = (status: string) => ({
    _links: {
      self: { href: `${fake.url}/${ENV}/flows/5f2b` },
      'usernamePassword.check': { href: `${fake.url}/${ENV}/flows/5f2b` },
    },
    id: '5f2b0c8e-1111-4222-8333-944455556666',
    status,
    resumeUrl: `${fake.url}/${ENV}/as/resume?flowId=5f2b0c8e-1111-4222-8333-944455556666`,
    somethingNew: { ignored: true },
  });
  switch (`${req.method} ${url.pathname}`) {
    case `GET /${ENV}/as/authorize`:
      nonce = url.searchParams.get('nonce') ?? undefined;
      return json(res, 200, flowObject('USERNAME_PASSWORD_REQUIRED'));
    case `POST /${ENV}/flows/5f2b0c8e-1111-4222-8333-944455556666`: {
      const given = JSON.parse(body) as { password?: string };
      if (given.password !== PASSWORD) {
        return json(res, 400, {
          id: 'e1',
          code: 'INVALID_DATA',
          details: [{ code: 'INVALID_CREDENTIALS' }],
        });
      }
      const lifetime = settings.persistent
        ? '; Max-Age=2592000; Expires=Thu, 19 Feb 2026 19:29:00 GMT'
        : '';
      return json(res, 200, flowObject(settings.afterPassword), {
        'Set-Cookie': [
          `ST=${ST}; Path=/${ENV}${lifetime}; Secure; HttpOnly; SameSite=None`,
          `ST-NO-SS=${NO_SS}; Path=/${ENV}${lifetime}; Secure; HttpOnly`,
        ],
      });
    }
    case `GET /${ENV}/as/resume`:
      if (!both) return json(res, 400, { id: 'e2', code: 'INVALID_REQUEST' });
      if (settings.resume === 'redirect') {
        res.writeHead(302, { Location: `https://app.example/signin?code=${CODE}` });
        return res.end();
      }
      if (settings.resume === 'wrong-state') {
        return json(res, 200, { authorizeResponse: { code: CODE, state: 'another-flow' } });
      }
      return json(res, 200, { authorizeResponse: { code: CODE } });
    case `POST /${ENV}/as/token`: {
      const form = new URLSearchParams(body);
      if (form.get('grant_type') === 'client_credentials') {
        return json(res, 200, { access_token: 'worker', token_type: 'Bearer', expires_in: 3600 });
      }
      if (form.get('code') !== CODE || !both) return json(res, 400, { error: 'invalid_grant' });
      const claims = {
        iss: `${fake.url}/${ENV}/as`,
        sub: settings.sub ?? USER,
        aud: 'signin-app',
        nonce: settings.nonce ?? nonce,
      };
      const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      return json(res, 200, {
        access_token: 'user-token',
        token_type: 'Bearer',
        expires_in: 3600,
        id_token: `${part({ alg: 'RS256' })}.${part(claims)}.c2lnbmF0dXJl`,
      });
    }
    case `GET /v1/environments/${ENV}/sessions/me`:
      if (req.headers.cookie !== `ST=${ST}`) return json(res, 404, { id: 'e3', code: 'NOT_FOUND' });
      return json(res, 200, sessionJson(ENV, { user: { id: USER } }));
    default:
      return json(res, 404, { id: 'e4', code: 'NOT_FOUND' });
  }
}

let logs: LogDetails[];
beforeEach(async () => {
  settings = { afterPassword: 'COMPLETED', persistent: true, resume: 'json' };
  received = [];
  logs = [];
  fake = await startUpstreamServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => answer(req, res, body));
  });
});
afterEach(() => fake.close());

function app() {
  const log = (_message: string, details: LogDetails) => void logs.push(details);
  const server = express();
  server.use(
    pingSession({
      environmentId: ENV,
      apiPath: `${fake.url}/v1`,
      authPath: fake.url,
      clientId: 'worker-app',
      clientSecret: 'worker-secret',
      signIn: { mode: 'redirectless', clientId: 'signin-app', tokenEndpointAuthMethod: 'none' },
      logger: { warn: log, info: log },
    }),
  );
  server.get('/me', (req, res) => res.json(req.pingSession ?? null));
  return server;
}

const signIn = (server: express.Express) =>
  request(server)
    .post('/signin')
    .set('Sec-Fetch-Site', 'same-origin')
    .send({ username: 'ada', password: PASSWORD });

describe('against a fake PingOne built from the documented wire format', () => {
  it('signs in: every cookie PingOne set goes back on resume and token, and ST becomes ours', async () => {
    const res = await signIn(app());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
    const cookies = [res.headers['set-cookie'] ?? []].flat();
    expect(cookies).toEqual([expect.stringMatching(new RegExp(`^ST=${ST}; Path=/; Expires=`))]);
    const resume = received.find((r) => r.url.endsWith('/as/resume'));
    expect(resume?.cookie).toBe(`ST=${ST}; ST-NO-SS=${NO_SS}`);
  });

  it("keeps ST a browser-session cookie when PingOne's had no lifetime", async () => {
    settings.persistent = false;
    const res = await signIn(app());
    const cookies = [res.headers['set-cookie'] ?? []].flat();
    expect(cookies).toEqual([`ST=${ST}; Path=/; HttpOnly; SameSite=Lax`]);
  });

  it('sends the session read nothing but ST, whatever else PingOne set', async () => {
    await signIn(app());
    const read = received.find((r) => r.url.endsWith('/sessions/me'));
    expect(read?.cookie).toBe(`ST=${ST}`);
  });

  it('answers 501 unsupported_step and logs the status for a step it cannot take', async () => {
    settings.afterPassword = 'EXTERNAL_AUTHENTICATION_REQUIRED';
    const res = await signIn(app());
    expect(res.status).toBe(501);
    expect(res.body).toEqual({
      error: 'unsupported_step',
      status: 'EXTERNAL_AUTHENTICATION_REQUIRED',
    });
    expect(logs).toEqual([
      { event: 'signin_unsupported_step', status: 'EXTERNAL_AUTHENTICATION_REQUIRED' },
    ]);
  });

  it("takes the code from resume's redirect, should PingOne redirect after all", async () => {
    settings.resume = 'redirect';
    const res = await signIn(app());
    expect(res.body).toEqual({ status: 'COMPLETED', returnTo: '/' });
  });

  it("refuses a resume that echoes another flow's state: 502, logged, no ST", async () => {
    settings.resume = 'wrong-state';
    const res = await signIn(app());
    expect(res.status).toBe(502);
    expect([res.headers['set-cookie'] ?? []].flat()).toEqual([]);
    expect(logs).toEqual([{ event: 'signin_failed', reason: 'state_mismatch' }]);
    expect(received.some((r) => r.url.endsWith('/as/token') && r.method === 'POST')).toBe(false);
  });

  it('refuses an ID token made for another sign-in (nonce): 502, logged, no ST', async () => {
    settings.nonce = 'someone-elses-nonce';
    const res = await signIn(app());
    expect(res.status).toBe(502);
    expect(logs).toEqual([{ event: 'signin_failed', reason: 'id_token_mismatch' }]);
    expect(received.some((r) => r.url.endsWith('/sessions/me'))).toBe(false);
  });

  it('refuses an ST whose session is not the ID token user: 502, logged, no ST', async () => {
    settings.sub = 'c9a8b7d6-e5f4-4a3b-8c2d-1e0f9a8b7c6d';
    const res = await signIn(app());
    expect(res.status).toBe(502);
    expect([res.headers['set-cookie'] ?? []].flat()).toEqual([]);
    expect(logs).toEqual([{ event: 'signin_failed', reason: 'session_user_mismatch' }]);
  });
});
