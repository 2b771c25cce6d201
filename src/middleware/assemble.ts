import type { NextFunction, Request, Response } from 'express';
import { createAccount, type Account } from '../account/account';
import { createUserRecords } from '../account/user-records';
import { isFlowStore, MemoryFlowStore } from '../cache/flow-store';
import { CACHE_DEFAULTS } from '../cache/options';
import { createSessionCache, type SessionCache } from '../cache/session-cache';
import { createDirectoryClient } from '../client/directory-client';
import { createUpstream } from '../client/http';
import { createPingOneClient, type PingOneClient } from '../client/pingone-client';
import { createResilientSend, type ResilientSend } from '../client/resilient-send';
import { createSignOnClient, type SignOnClient } from '../client/sign-on-client';
import { createLogoutRoute, type LogoutRoute } from '../logout/logout-route';
import { flowStoreFor } from '../signin/flow-store-for';
import { createHostedCookies } from '../signin/hosted/cookies';
import { createHostedSignInRoute } from '../signin/hosted/route';
import { checkSignInReady } from '../signin/check-sign-in';
import { createSignInLimits } from '../signin/redirectless/attempt-limits';
import { createFlowRecords } from '../signin/redirectless/flow-records';
import { createSignInRoute } from '../signin/redirectless/route';
import type { ResolvedOptions } from './resolve-options';
import {
  hostedCredentials,
  tokenCredentials,
  type SessionCredentials,
} from './session-credentials';

/** Answers a sign-in route's request and returns true; false for any other request. */
export type SignInRoutes = (
  req: Request,
  res: Response,
  next: NextFunction,
  proceed: () => void,
) => boolean;

/** Everything `pingSession()` is made of, wired once at start-up. */
export interface Parts {
  client: PingOneClient;
  credentials: SessionCredentials;
  sessions: SessionCache;
  account: Account;
  logoutRoute: LogoutRoute | undefined;
  signInRoutes: SignInRoutes | undefined;
  /** `ready()`'s check of the sign-in application, when there is one. */
  checkSignIn: (() => Promise<void>) | undefined;
}

export function assemble(resolved: ResolvedOptions): Parts {
  // Every call to PingOne goes through these lanes: a bulkhead, a breaker and a 429 pause per kind.
  const send = createResilientSend(createUpstream(), resolved, resolved.logger);
  const client = createPingOneClient(resolved, send);
  const directory = createDirectoryClient(resolved, client.authorized, client.reported);
  const { signIn, cache } = resolved;
  const cookies = signIn && signIn.hosted ? createHostedCookies(signIn.hosted) : undefined;
  const credentials = cookies
    ? hostedCredentials(resolved, cookies, client, directory)
    : tokenCredentials(resolved, client);
  const sessions = createSessionCache(
    credentials.readSession,
    cache,
    resolved.logger,
    resolved.unknownTokenBudget,
  );
  const account = createAccount({
    directory,
    sessions,
    readSessionById: client.readSessionById,
    userTtlMs: cache ? cache.userTtlMs : 0,
    users: cache
      ? createUserRecords(
          cache.store && isFlowStore(cache.store) ? cache.store : new MemoryFlowStore(),
          cache.keySecret,
          cache.storeTimeoutMs,
        )
      : undefined,
  });
  const signOn = signIn ? createSignOnClient(resolved, signIn, send) : undefined;
  return {
    client,
    credentials,
    sessions,
    account,
    logoutRoute: resolved.logout
      ? createLogoutRoute(resolved, resolved.logout, {
          credentials,
          sessions,
          account,
          ...(signIn &&
            signIn.hosted?.postLogoutRedirectUri && {
              signoffUrl: signoffUrl(resolved, signIn.hosted.postLogoutRedirectUri),
            }),
        })
      : undefined,
    signInRoutes: signInRoutes(resolved, { send, sessions, credentials, signOn, cookies }),
    checkSignIn: signOn && signIn ? () => checkSignInReady(signOn, signIn.mode) : undefined,
  };
}

function signInRoutes(
  resolved: ResolvedOptions,
  parts: {
    send: ResilientSend;
    sessions: SessionCache;
    credentials: SessionCredentials;
    signOn: SignOnClient | undefined;
    cookies: ReturnType<typeof createHostedCookies> | undefined;
  },
): SignInRoutes | undefined {
  const { signIn, cache } = resolved;
  if (!signIn) return undefined;
  if (parts.cookies !== undefined) {
    const route = createHostedSignInRoute(resolved, signIn, {
      send: parts.send,
      sessions: parts.sessions,
      cookies: parts.cookies,
      readCookie: parts.credentials.read,
    });
    return (req, res, next) => route(req, res, next);
  }
  const storeTimeoutMs = cache ? cache.storeTimeoutMs : CACHE_DEFAULTS.cache.storeTimeoutMs;
  return createSignInRoute(resolved, signIn, {
    signOn: parts.signOn!,
    sessions: parts.sessions,
    flows: createFlowRecords(
      flowStoreFor(cache),
      cache ? cache.keySecret : undefined,
      storeTimeoutMs,
    ),
    limits: createSignInLimits(
      signIn.limits,
      cache ? cache.store : undefined,
      storeTimeoutMs,
      resolved.logger,
    ),
    readToken: parts.credentials.read,
  });
}

/** PingOne's sign-off, which clears its own `ST` on its host, then back to the app. */
function signoffUrl(resolved: ResolvedOptions, postLogoutRedirectUri: string): string {
  const query = new URLSearchParams({ post_logout_redirect_uri: postLogoutRedirectUri });
  return `${resolved.authPath}/${resolved.environmentId}/as/signoff?${query}`;
}
