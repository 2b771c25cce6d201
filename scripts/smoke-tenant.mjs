#!/usr/bin/env node
// npm run smoke:tenant (docs/operations.md, "Checking a real tenant"): probes, against a real
// PingOne tenant, of what PingOne's documentation leaves open, printing each answer with its
// values redacted (status, header names, cookie names and paths, the shape of each body), so that
// the first person with a trial tenant can settle the unknowns and paste the output into an issue.
// Not part of CI: it needs a tenant. It runs against the emulator too (test/package/smoke-tenant.test.ts).
//
// Environment: PINGONE_ENVIRONMENT_ID, PINGONE_REGION (or PINGONE_API_PATH and PINGONE_AUTH_PATH),
// PINGONE_CLIENT_ID and PINGONE_CLIENT_SECRET (a worker), PINGONE_SIGNIN_CLIENT_ID and
// PINGONE_SIGNIN_CLIENT_SECRET (the sign-in application), PINGONE_SMOKE_USERNAME and
// PINGONE_SMOKE_PASSWORD (a test user whose policy asks for a password only). Optional:
// PINGONE_SMOKE_LOCKOUT=1 also sends wrong passwords until the account locks (P4).
//
// The probes: P1 authorize (Accept, cookies set); P2 the flow with a strict jar's cookies and with
// all; P3 a worker bearer on the flow; P4 wrong password, unknown user, lockout; P5 the completed
// flow (an inline code?) and resume; P6 the token response's claims; P8 the user's session list;
// P9 a reset, and the reset session read by token and by ID; P10 sessions/me with made-up tokens;
// P11 the worker's role on sessions/me. (P7, step-up in a browser, needs a person.)
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { URLSearchParams } from 'node:url';

const HOSTS = {
  NA: 'com',
  CA: 'ca',
  EU: 'eu',
  AU: 'com.au',
  SG: 'sg',
  AP: 'asia',
};
const env = process.env;
const need = (name) => {
  const value = env[name];
  if (!value) {
    process.stderr.write(`smoke:tenant needs ${name} (see the top of scripts/smoke-tenant.mjs).\n`);
    process.exit(2);
  }
  return value;
};
const environmentId = need('PINGONE_ENVIRONMENT_ID');
const tld = HOSTS[(env.PINGONE_REGION ?? 'NA').toUpperCase()] ?? 'com';
const apiPath = (env.PINGONE_API_PATH ?? `https://api.pingone.${tld}/v1`).replace(/\/$/, '');
const authPath = (env.PINGONE_AUTH_PATH ?? `https://auth.pingone.${tld}`).replace(/\/$/, '');
const worker = { id: need('PINGONE_CLIENT_ID'), secret: need('PINGONE_CLIENT_SECRET') };
const app = { id: need('PINGONE_SIGNIN_CLIENT_ID'), secret: env.PINGONE_SIGNIN_CLIENT_SECRET };
const user = { name: need('PINGONE_SMOKE_USERNAME'), password: need('PINGONE_SMOKE_PASSWORD') };
const base = `${authPath}/${environmentId}`;
const ACCEPT_ANY = '*/*';
/** Values these keys hold are PingOne's vocabulary, not anybody's data: shown as they are. */
const SHOWN = new Set(['status', 'error', 'token_type', 'alg', 'typ', 'target']);

/** A value's shape: every string and number replaced by its type and length. */
function shape(value, key = '') {
  if (Array.isArray(value)) return value.slice(0, 3).map((each) => shape(each, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v, k)]));
  }
  if (typeof value === 'string') {
    // An error code is upper case (`INVALID_DATA`); any other `code` is an authorization code.
    if (SHOWN.has(key) || /^[A-Z_]{3,40}$/.test(value)) return value;
    return `<string ${value.length}${/^[0-9a-f-]{36}$/i.test(value) ? ' uuid' : ''}>`;
  }
  return typeof value === 'number' ? '<number>' : value;
}

/** A JWT's header and claims, shaped. */
function jwtShape(token) {
  const [header, claims] = String(token).split('.');
  const decode = (part) => JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
  try {
    return { header: shape(decode(header)), claims: shape(decode(claims)) };
  } catch {
    return '<not a JWT>';
  }
}

function report(probe, answer) {
  process.stdout.write(`\n## ${probe}\n${JSON.stringify(answer, null, 2)}\n`);
}

/** One call, redirects not followed; the answer with its cookies parsed (name, Path, flags). */
async function call(url, options = {}) {
  const response = await fetch(url, { redirect: 'manual', ...options });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text === '' ? undefined : `<${response.headers.get('content-type')} ${text.length} B>`;
  }
  const cookies = response.headers.getSetCookie().map((line) => {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    return { name: pair.split('=')[0], value: pair.slice(pair.indexOf('=') + 1), attributes };
  });
  return { status: response.status, headers: response.headers, body, cookies };
}

const answerOf = ({ status, headers, body, cookies }) => ({
  status,
  contentType: headers.get('content-type'),
  location: headers.get('location') ? '<present>' : undefined,
  cookies: cookies.map(({ name, attributes }) => ({ name, attributes })),
  body: shape(body),
});

async function workerToken() {
  const answer = await call(`${base}/as/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${worker.id}:${worker.secret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials',
  });
  if (answer.status !== 200) throw new Error(`worker token: ${answer.status}`);
  return answer.body.access_token;
}

/** A redirectless authorize; the flow, the PKCE verifier and every cookie it set. */
async function authorize({ accept = ACCEPT_ANY, redirectUri } = {}) {
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    response_mode: 'pi.flow',
    client_id: app.id,
    scope: 'openid',
    state: randomBytes(16).toString('base64url'),
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  if (redirectUri) query.set('redirect_uri', redirectUri);
  const answer = await call(`${base}/as/authorize?${query}`, { headers: { Accept: accept } });
  return { answer, verifier, state: query.get('state') };
}

const cookieHeader = (cookies) => cookies.map(({ name, value }) => `${name}=${value}`).join('; ');

async function main() {
  process.stdout.write(`# PingOne smoke probes (${new Date().toISOString()})\n`);
  const bearer = await workerToken();

  // P1: authorize, its cookies and paths, with Accept: application/json and */*.
  for (const accept of ['application/json', ACCEPT_ANY]) {
    const { answer } = await authorize({ accept });
    report(`P1 authorize pi.flow, Accept: ${accept}`, answerOf(answer));
  }

  // P2 and P3: the flow API with only a strict jar's cookies, with all, and with a worker bearer.
  const { answer: started, verifier, state } = await authorize();
  const flowUrl = `${base}/flows/${started.body?.id}`;
  const strict = started.cookies.filter(({ attributes }) =>
    attributes.every((a) => !/^path=/i.test(a) || flowUrl.includes(a.slice(5))),
  );
  for (const [label, cookies] of [
    ['strict jar', strict],
    ['every cookie', started.cookies],
  ]) {
    const answer = await call(flowUrl, {
      headers: { Accept: ACCEPT_ANY, Cookie: cookieHeader(cookies) },
    });
    report(`P2 GET flow, ${label}`, answerOf(answer));
  }
  /** The password step, with the flow's cookies (and, for P3, a worker bearer). */
  const passwordStep = (username, password, extraHeaders = {}) =>
    call(flowUrl, {
      method: 'POST',
      headers: {
        Accept: ACCEPT_ANY,
        'Content-Type': 'application/vnd.pingidentity.usernamePassword.check+json',
        Cookie: cookieHeader(started.cookies),
        ...extraHeaders,
      },
      body: JSON.stringify({ username, password }),
    });
  const wrong = await passwordStep(user.name, `${user.password}-wrong`, {
    Authorization: `Bearer ${bearer}`,
  });
  report('P3 and P4 wrong password, with a worker bearer', answerOf(wrong));
  const unknown = await passwordStep(`nobody-${randomUUID()}`, 'x');
  report('P4 unknown user, no bearer', answerOf(unknown));
  const signedOn = await passwordStep(user.name, user.password);
  report('P5 the password step (COMPLETED? an inline authorizeResponse?)', answerOf(signedOn));
  const cookies = [
    ...started.cookies.filter((c) => !signedOn.cookies.some((s) => s.name === c.name)),
    ...signedOn.cookies,
  ];
  const resumed = await call(`${base}/as/resume?flowId=${started.body?.id}`, {
    headers: { Accept: ACCEPT_ANY, Cookie: cookieHeader(cookies) },
  });
  report('P5 resume (JSON or 302? state echoed? ST set again?)', answerOf(resumed));
  const code =
    signedOn.body?.authorizeResponse?.code ??
    resumed.body?.authorizeResponse?.code ??
    (resumed.headers.get('location') &&
      new URL(resumed.headers.get('location')).searchParams.get('code'));
  const form = new URLSearchParams({ grant_type: 'authorization_code', code: String(code) });
  form.set('code_verifier', verifier);
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: ACCEPT_ANY };
  if (app.secret) {
    headers.Authorization = `Basic ${Buffer.from(`${app.id}:${app.secret}`).toString('base64')}`;
  } else form.set('client_id', app.id);
  const tokens = await call(`${base}/as/token`, { method: 'POST', headers, body: String(form) });
  report('P6 token response', {
    ...answerOf(tokens),
    idToken: tokens.body?.id_token && jwtShape(tokens.body.id_token),
    accessToken: tokens.body?.access_token && jwtShape(tokens.body.access_token),
    stateEchoed: resumed.body?.authorizeResponse?.state === state,
  });

  // P8, P9, P10: sessions.
  const st = cookies.find((c) => c.name === 'ST')?.value;
  const api = `${apiPath}/environments/${environmentId}`;
  const authorized = { Accept: 'application/json', Authorization: `Bearer ${bearer}` };
  const me = await call(`${api}/sessions/me`, { headers: { ...authorized, Cookie: `ST=${st}` } });
  report('sessions/me of the new session', answerOf(me));
  const userId = me.body?.user?.id;
  if (userId) {
    const listed = await call(`${api}/users/${userId}/sessions`, { headers: authorized });
    report('P8 the user’s session list', answerOf(listed));
  }
  for (const [label, cookie] of [
    ['a random UUID', `ST=${randomUUID()}`],
    ['a random 43-character token', `ST=${randomBytes(32).toString('base64url')}`],
    ['an empty ST', 'ST='],
    ['no cookie', undefined],
  ]) {
    const answer = await call(`${api}/sessions/me`, {
      headers: { ...authorized, ...(cookie !== undefined && { Cookie: cookie }) },
    });
    report(`P10 sessions/me with ${label}`, answerOf(answer));
  }
  const reset = await call(`${api}/sessions/me`, {
    method: 'POST',
    headers: {
      ...authorized,
      Cookie: `ST=${st}`,
      'Content-Type': 'application/vnd.pingidentity.sso.session.logout',
    },
  });
  report('P9 reset (POST sessions/me)', answerOf(reset));
  const after = await call(`${api}/sessions/me`, {
    headers: { ...authorized, Cookie: `ST=${st}` },
  });
  report('P9 and P11 sessions/me after the reset', answerOf(after));
  if (me.body?.id) {
    const byId = await call(`${api}/sessions/${me.body.id}`, { headers: authorized });
    report('P9 sessions/{id} after the reset', answerOf(byId));
  }

  if (env.PINGONE_SMOKE_LOCKOUT === '1') {
    const { answer: flow } = await authorize();
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const answer = await call(`${base}/flows/${flow.body?.id}`, {
        method: 'POST',
        headers: {
          Accept: ACCEPT_ANY,
          'Content-Type': 'application/vnd.pingidentity.usernamePassword.check+json',
          Cookie: cookieHeader(flow.cookies),
        },
        body: JSON.stringify({ username: user.name, password: `${user.password}-wrong` }),
      });
      report(`P4 lockout, wrong password ${attempt}`, answerOf(answer));
      if (JSON.stringify(answer.body).includes('LOCKED')) break;
    }
  }
}

main().catch((error) => {
  process.stderr.write(`smoke:tenant stopped: ${error.message}\n`);
  process.exit(1);
});
