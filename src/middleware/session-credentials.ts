import type { CookieOptions, Request } from 'express';
import type { DirectoryClient } from '../client/directory-client';
import type { PingOneClient } from '../client/pingone-client';
import type { PingSessionLogger } from '../core/logger';
import type { PingSession } from '../core/session';
import { sessionCookieAttributes } from '../http/cookie-attributes';
import type { ResolvedCookieOptions } from '../http/cookie-options';
import { cookieValue, createSessionTokenReader, tokenRejection } from '../http/session-token';
import type { HostedCookies } from '../signin/hosted/cookies';

/**
 * What the browser holds that names its PingOne session, and how each use of it reaches PingOne:
 * PingOne's own session token (`ST`, read by `sessions/me`), or, in hosted mode, this app's
 * sealed cookie naming the session by its ID (read by `sessions/{id}`). Everything above this
 * (the cache, the routes, the account API) is the same for both.
 */
export interface SessionCredentials {
  /** The request's credential, or `undefined` for none (or one refused unread). */
  read(req: Request): string | undefined;
  /** PingOne's session for a credential; `null` for none. Rejects when PingOne cannot say. */
  readSession(credential: string): Promise<PingSession | null>;
  /** Ends the PingOne session a credential names; resolves when PingOne has it no more. */
  reset(credential: string): Promise<void>;
  /** The session ID a credential names, when it says so itself (hosted mode). */
  sessionIdOf(credential: string): string | undefined;
  /** The cookie that holds the credential, as logout clears it. */
  cookieName: string;
  cookieAttributes(req: Request): CookieOptions;
}

/** PingOne's `ST`, as the browser sends it. */
export function tokenCredentials(
  options: ResolvedCookieOptions & { logger: PingSessionLogger },
  client: PingOneClient,
): SessionCredentials {
  return {
    read: createSessionTokenReader(options),
    readSession: client.readSession,
    reset: client.resetSession,
    sessionIdOf: () => undefined,
    cookieName: options.cookieName,
    cookieAttributes: (req) => sessionCookieAttributes(req, options),
  };
}

/**
 * Hosted mode's session cookie. A tampered or foreign cookie opens to nothing: no session,
 * decided here without a PingOne call (and remembered as such, like an unknown token).
 */
export function hostedCredentials(
  options: Pick<ResolvedCookieOptions, 'maxTokenLength'>,
  cookies: HostedCookies,
  client: PingOneClient,
  directory: DirectoryClient,
): SessionCredentials {
  return {
    read(req) {
      const value = cookieValue(req, cookies.sessionName);
      if (value === undefined || value === '') return undefined;
      return tokenRejection(value, options.maxTokenLength) === undefined ? value : undefined;
    },
    readSession(credential) {
      const sessionId = cookies.openSession(credential);
      return sessionId === undefined ? Promise.resolve(null) : client.readSessionById(sessionId);
    },
    async reset(credential) {
      const sessionId = cookies.openSession(credential);
      if (sessionId !== undefined) await directory.resetSession(sessionId);
    },
    sessionIdOf: (credential) => cookies.openSession(credential),
    cookieName: cookies.sessionName,
    cookieAttributes: () => cookies.attributes(),
  };
}
