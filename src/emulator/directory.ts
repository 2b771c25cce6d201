import type { IncomingMessage } from 'node:http';
import type { AccessTokens } from './access-tokens';
import { DEMO_USERS, type DemoUser } from './demo-users';
import { pingOneErrors, type EmulatorAnswer } from './pingone-errors';
import type { SessionStore } from './session-store';

/*
 * PingOne's management calls about users and their sessions, with a worker token
 * (../shared/pingone/FLOWS.md §5, §6 and §10): read a user, list a user's sessions, read or delete
 * one, and read or reset one by ID. Only the demo users exist as user resources.
 */

export interface DirectoryContext {
  environmentId: string;
  /** The emulator's API base, `…/v1`. */
  apiPath: string;
  sessions: SessionStore;
  accessTokens: AccessTokens;
  /** How a reset session reads: PingOne's `404`, or a session for no one (REAL-TENANT.md M6). */
  resetReads: 'not-found' | 'anonymous';
}

const LOGOUT_CONTENT_TYPE = 'application/vnd.pingidentity.sso.session.logout';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The paths this module answers, as patterns on the emulator's origin. */
export function directoryPaths(environmentId: string) {
  const env = `/v1/environments/${environmentId}`;
  return {
    user: new RegExp(`^${env}/users/([^/]+)$`),
    userSessions: new RegExp(`^${env}/users/([^/]+)/sessions$`),
    userSession: new RegExp(`^${env}/users/([^/]+)/sessions/([^/]+)$`),
    session: new RegExp(`^${env}/sessions/((?!me$)[^/]+)$`),
  };
}

/** The answer for a directory path, or `undefined` when the path is not one of them. */
export function directoryAnswer(
  ctx: DirectoryContext,
  req: IncomingMessage,
  pathname: string,
): EmulatorAnswer | undefined {
  const paths = directoryPaths(ctx.environmentId);
  const match = (pattern: RegExp) => pattern.exec(pathname)?.slice(1).map(decodeURIComponent);
  const user = match(paths.user);
  const userSessions = match(paths.userSessions);
  const userSession = match(paths.userSession);
  const session = match(paths.session);
  if (!user && !userSessions && !userSession && !session) return undefined;

  const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (bearer === undefined || !ctx.accessTokens.isValid(bearer)) {
    return pingOneErrors.invalidToken();
  }
  if (user) return readUser(ctx, req, user[0]!);
  if (userSessions) return listSessions(ctx, req, userSessions[0]!);
  if (userSession) return oneSession(ctx, req, userSession[0]!, userSession[1]!);
  return resetSession(ctx, req, session![0]!);
}

function readUser(ctx: DirectoryContext, req: IncomingMessage, userId: string): EmulatorAnswer {
  if (req.method !== 'GET') return pingOneErrors.methodNotAllowed();
  const user = DEMO_USERS.find((demo) => demo.id === userId);
  return user ? { status: 200, body: userResource(ctx, user) } : pingOneErrors.notFound();
}

function listSessions(ctx: DirectoryContext, req: IncomingMessage, userId: string) {
  if (req.method !== 'GET') return pingOneErrors.methodNotAllowed();
  if (!UUID.test(userId)) return pingOneErrors.notFound();
  const sessions = ctx.sessions.ofUser(userId);
  const self = `${ctx.apiPath}/environments/${ctx.environmentId}/users/${userId}/sessions`;
  return {
    status: 200,
    body: { _links: { self: { href: self } }, _embedded: { sessions }, size: sessions.length },
  };
}

function oneSession(
  ctx: DirectoryContext,
  req: IncomingMessage,
  userId: string,
  sessionId: string,
): EmulatorAnswer {
  if (req.method === 'GET') {
    const found = ctx.sessions.ofUser(userId).find((each) => each.id === sessionId);
    return found ? { status: 200, body: found } : pingOneErrors.notFound();
  }
  if (req.method === 'DELETE') {
    return ctx.sessions.resetById(sessionId, userId)
      ? { status: 204, body: undefined }
      : pingOneErrors.notFound();
  }
  return pingOneErrors.methodNotAllowed();
}

/**
 * `GET sessions/{id}`: the session, while it is neither ended nor expired; `POST sessions/{id}`
 * with the logout media type: ends it, for every app relying on it.
 */
function resetSession(ctx: DirectoryContext, req: IncomingMessage, sessionId: string) {
  if (req.method === 'GET') {
    const session =
      ctx.sessions.findById(sessionId) ??
      (ctx.resetReads === 'anonymous' ? ctx.sessions.resetView({ id: sessionId }) : undefined);
    return session ? { status: 200, body: session } : pingOneErrors.notFound();
  }
  if (req.method !== 'POST') return pingOneErrors.methodNotAllowed();
  if (req.headers['content-type'] !== LOGOUT_CONTENT_TYPE) {
    return pingOneErrors.unsupportedMediaType();
  }
  return ctx.sessions.resetById(sessionId)
    ? { status: 204, body: undefined }
    : pingOneErrors.notFound();
}

/** A demo user as PingOne's users API shows one (FLOWS.md §5). */
function userResource(ctx: DirectoryContext, user: DemoUser) {
  const environment = `${ctx.apiPath}/environments/${ctx.environmentId}`;
  const [given, ...rest] = user.name.split(' ');
  return {
    _links: {
      self: { href: `${environment}/users/${user.id}` },
      environment: { href: environment },
    },
    id: user.id,
    environment: { id: ctx.environmentId },
    account: { canAuthenticate: true, status: 'OK' },
    createdAt: '2024-01-01T00:00:00.000Z',
    email: `${user.username}@example.com`,
    enabled: true,
    identityProvider: { type: 'PING_ONE' },
    lifecycle: { status: 'ACCOUNT_OK' },
    mfaEnabled: user.devices.length > 0,
    name: { given, family: rest.join(' ') },
    population: { id: '2a7c1b5f-3d4e-4f60-9a8b-7c6d5e4f3a2b' },
    username: user.username,
    verifyStatus: 'NOT_INITIATED',
  };
}
