import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { parse } from 'cookie';
import { isLoopbackHostname } from '../http/loopback';
import type { AccessTokens } from './access-tokens';
import type { EmulatorCounts } from './emulator-types';
import { redacted, remember, type RecordedRequest } from './request-record';
import { directoryAnswer, directoryPaths, type DirectoryContext } from './directory';
import { describeOutcome, playOutcome, type CallKind, type Faults } from './faults';
import type { RateLimit } from './rate-limit';
import { pingOneErrors, type EmulatorAnswer } from './pingone-errors';
import type { SessionStore } from './session-store';
import type { SignOnFlows } from './sign-on-flows';
import { jwks } from './jwt';
import { renderSignOnPage } from './signon-page';

/** One request as the emulator received it, for tests that check the exact contract. */

export interface EmulatorContext extends DirectoryContext {
  environmentId: string;
  clientId: string;
  clientSecret: string;
  sessions: SessionStore;
  flows: SignOnFlows;
  accessTokens: AccessTokens;
  requests: RecordedRequest[];
  /** How many `requests` keeps, the oldest dropped first. */
  maxRecordedRequests: number;
  /** Calls of each kind received so far, kept apart from the bounded record. */
  counts: EmulatorCounts;
  /** While set, answers wait for it: tests hold PingOne to pile up concurrent requests. */
  held: { until?: Promise<void> };
  faults: Faults;
  /** Where else the worker's token endpoint answers (a worker of another environment). */
  workerEnvironmentId: string | undefined;
  /** PingOne's rate limit on session reads, when one is played. */
  readLimit: RateLimit | undefined;
  /** Latency timers under way, cleared when the emulator closes. */
  timers: Set<NodeJS.Timeout>;
}

const LOGOUT_CONTENT_TYPE = 'application/vnd.pingidentity.sso.session.logout';
const MAX_BODY_BYTES = 64 * 1024;
/** PingOne sees the token's bytes as sent: no percent-decoding. */
const keepRaw = (value: string) => value;

/** The emulator's endpoints, as paths on its origin. */
export function emulatorPaths(environmentId: string) {
  return {
    sessionsMe: `/v1/environments/${environmentId}/sessions/me`,
    sessionById: new RegExp(`^/v1/environments/${environmentId}/sessions/(?!me$)[^/]+$`),
    token: `/${environmentId}/as/token`,
    signOn: `/${environmentId}/signon`,
    authorize: `/${environmentId}/as/authorize`,
    resume: `/${environmentId}/as/resume`,
    flows: `/${environmentId}/flows/`,
    hostedPage: `/${environmentId}/signon/hosted`,
    signoff: `/${environmentId}/as/signoff`,
    jwks: `/${environmentId}/as/jwks`,
  };
}

/**
 * The emulator's router: PingOne's paths, each sent to its handler, with faults, holds and the
 * rate limit applied on the way. One function so that the whole route table reads in one place.
 */
export function createRequestHandler(ctx: EmulatorContext) {
  const paths = emulatorPaths(ctx.environmentId);
  const directory = directoryPaths(ctx.environmentId);

  function route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const flowRequest = {
      method: req.method ?? '',
      query: url.searchParams,
      headers: req.headers,
      body,
      remoteIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
    };
    if (url.pathname.startsWith(paths.flows)) {
      const flowId = url.pathname.slice(paths.flows.length);
      return sendJson(res, ctx.flows.flow(flowId, flowRequest));
    }
    const hosted = () => ({
      method: req.method ?? '',
      query: url.searchParams,
      cookie: req.headers.cookie,
      userAgent: req.headers['user-agent'],
      remoteIp: flowRequest.remoteIp,
      form: new URLSearchParams(body),
    });
    switch (url.pathname) {
      case paths.authorize:
        // pi.flow answers JSON to this server; anything else is a browser sent to sign on.
        if (url.searchParams.get('response_mode') === 'pi.flow' || req.method === 'POST') {
          return sendJson(res, ctx.flows.authorize(flowRequest));
        }
        return ctx.flows.hosted.authorize(hosted(), res);
      case paths.hostedPage:
        return ctx.flows.hosted.page(hosted(), res);
      case paths.signoff:
        return ctx.flows.hosted.signoff(hosted(), res);
      case paths.jwks:
        return sendJson(res, { status: 200, body: jwks() });
      case paths.resume:
        return sendJson(res, ctx.flows.resume(flowRequest));
      case paths.sessionsMe:
        return sendJson(res, sessionsMe(ctx, req));
      case paths.token:
      case ctx.workerEnvironmentId && `/${ctx.workerEnvironmentId}/as/token`:
        return sendJson(res, token(ctx, req, body));
      case paths.signOn:
        return signOn(ctx, req, res, url, body);
      default:
        return sendJson(res, directoryAnswer(ctx, req, url.pathname) ?? pingOneErrors.noSuchPath());
    }
  }

  function kindOf(path: string, method: string | undefined): CallKind | undefined {
    if (path === paths.sessionsMe) return method === 'GET' ? 'reads' : 'resets';
    // A session read by its ID (hosted sign-on's every request) is a session read as well.
    if (paths.sessionById.test(path) && method === 'GET') return 'reads';
    if (Object.values(directory).some((pattern) => pattern.test(path))) {
      return method === 'GET' ? 'directory' : 'resets';
    }
    if (path === paths.token) return 'token';
    if (path === paths.authorize || path === paths.resume || path.startsWith(paths.flows)) {
      return 'flows';
    }
    return undefined;
  }

  function answerWithFaults(
    req: IncomingMessage,
    res: ServerResponse,
    body: string,
    record: RecordedRequest,
  ) {
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const kind = kindOf(url.pathname, req.method);
    const plan = kind ? ctx.faults.plan(kind) : undefined;
    if (kind === 'reads' && !plan?.outcome && ctx.readLimit?.exceeded()) {
      record.fault = 'status 429';
      return playOutcome(res, { status: 429, retryAfter: '1' });
    }
    if (plan?.outcome) record.fault = describeOutcome(plan.outcome);
    const play = () =>
      plan?.outcome ? playOutcome(res, plan.outcome) : route(req, res, url, body);
    if (!plan?.latencyMs) return play();
    const timer = setTimeout(() => {
      ctx.timers.delete(timer);
      play();
    }, plan.latencyMs);
    ctx.timers.add(timer);
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    readBody(req).then(
      (body) => {
        const record: RecordedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: redacted(body, req.headers['content-type']),
          at: Date.now(),
        };
        remember(ctx.requests, ctx.maxRecordedRequests, record);
        count(ctx.counts, paths, record);
        const answer = () => answerWithFaults(req, res, body, record);
        if (ctx.held.until) void ctx.held.until.then(answer);
        else answer();
      },
      () => {
        res.writeHead(413).end();
        req.destroy();
      },
    );
  };
}

function sessionsMe(ctx: EmulatorContext, req: IncomingMessage): EmulatorAnswer {
  if (req.method !== 'GET' && req.method !== 'POST') return pingOneErrors.methodNotAllowed();
  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer === undefined || !ctx.accessTokens.isValid(bearer))
    return pingOneErrors.invalidToken();
  if (req.method === 'POST' && req.headers['content-type'] !== LOGOUT_CONTENT_TYPE) {
    return pingOneErrors.unsupportedMediaType();
  }
  const sessionToken = parse(req.headers.cookie ?? '', { decode: keepRaw }).ST;
  if (sessionToken === undefined) return pingOneErrors.missingSessionToken();
  if (req.method === 'GET') {
    const session =
      ctx.sessions.find(sessionToken) ??
      (ctx.resetReads === 'anonymous'
        ? ctx.sessions.resetView({ token: sessionToken })
        : undefined);
    return session ? { status: 200, body: session } : pingOneErrors.notFound();
  }
  return ctx.sessions.reset(sessionToken)
    ? { status: 204, body: undefined }
    : pingOneErrors.notFound();
}

function token(ctx: EmulatorContext, req: IncomingMessage, body: string): EmulatorAnswer {
  if (req.method !== 'POST') return pingOneErrors.methodNotAllowed();
  const form = new URLSearchParams(body);
  const grant = form.get('grant_type');
  const basic = readBasicAuth(req.headers.authorization);
  if (grant === 'authorization_code') {
    return ctx.flows.codes.redeem(
      form,
      basic ?? { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? undefined },
    );
  }
  if (grant !== 'client_credentials') {
    return oauthError(
      400,
      'unsupported_grant_type',
      'Only client_credentials and authorization_code are supported here.',
    );
  }
  const client = basic ?? {
    id: form.get('client_id') ?? '',
    secret: form.get('client_secret') ?? '',
  };
  if (!sameSecret(client.id, ctx.clientId) || !sameSecret(client.secret, ctx.clientSecret)) {
    return oauthError(401, 'invalid_client', 'Request denied: invalid client credentials.');
  }
  return {
    status: 200,
    body: {
      access_token: ctx.accessTokens.issue(),
      token_type: 'Bearer',
      expires_in: ctx.accessTokens.lifetimeSeconds,
    },
  };
}

function signOn(
  ctx: EmulatorContext,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  body: string,
): void {
  const params = req.method === 'POST' ? new URLSearchParams(body) : url.searchParams;
  const returnTo = params.get('returnTo') ?? '';
  if (!isLocalUrl(returnTo)) {
    res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('returnTo must be an http(s) URL on this machine (localhost or 127.0.0.1).');
    return;
  }
  if (req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(renderSignOnPage(url.pathname, returnTo));
    return;
  }
  if (req.method !== 'POST') return sendJson(res, pingOneErrors.methodNotAllowed());
  const { token } = ctx.sessions.create({
    user: params.get('user') ?? undefined,
    userAgent: req.headers['user-agent'],
    remoteIp: req.socket.remoteAddress?.replace(/^::ffff:/, ''),
  });
  // Path=/ stands in for PingOne served on a custom domain of the app's own site: the browser
  // then sends ST to the app, whatever the port.
  res.writeHead(303, {
    Location: returnTo,
    'Set-Cookie': `ST=${token}; Path=/; HttpOnly; SameSite=Lax`,
    'Cache-Control': 'no-store',
  });
  res.end();
}

function sendJson(res: ServerResponse, answer: EmulatorAnswer): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status, answer.headers).end();
    return;
  }
  res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
  // A page (DaVinci's, say) goes as it is; anything else is JSON.
  res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
}

function oauthError(status: number, error: string, description: string): EmulatorAnswer {
  return { status, body: { error, error_description: description } };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function readBasicAuth(header: string | undefined): { id: string; secret: string } | undefined {
  const encoded = /^Basic (\S+)$/.exec(header ?? '')?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  try {
    return {
      id: formDecode(decoded.slice(0, colon)),
      secret: formDecode(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isLocalUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname)
    );
  } catch {
    return false;
  }
}

/** Counts a received request by kind: what `counts()` reports, whatever the record dropped. */
function count(
  counts: EmulatorCounts,
  paths: ReturnType<typeof emulatorPaths>,
  { method, url }: RecordedRequest,
): void {
  if (method === 'GET' && (url === paths.sessionsMe || paths.sessionById.test(url))) {
    counts.sessionReads += 1;
  } else if (method === 'POST' && url === paths.sessionsMe) {
    counts.sessionResets += 1;
  } else if (method === 'POST' && url === paths.token) {
    counts.tokenRequests += 1;
  }
}
