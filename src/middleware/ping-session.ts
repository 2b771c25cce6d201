import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createSessionCache } from '../cache/session-cache';
import { createPingOneClient } from '../client/pingone-client';
import { resolveOptions } from './resolve-options';
import { sendUnavailable } from '../http/send-error';
import { createSessionTokenReader } from '../http/session-token';
import { createLogoutRoute } from '../logout/logout-route';
import { CACHE_DEFAULTS } from '../cache/options';
import type { PingSessionOptions } from './options';
import type { PingSession } from '../core/session';
import type { PingUser } from '../core/user';
import { createAccount } from '../account/account';
import { adoptRequestPrototype } from '../account/request-account';
import { createUserRecords } from '../account/user-records';
import { isFlowStore, MemoryFlowStore } from '../cache/flow-store';
import { createDirectoryClient } from '../client/directory-client';
import { createSignOnClient } from '../client/sign-on-client';
import { createUpstream } from '../client/http';
import { createResilientSend } from '../client/resilient-send';
import { createFlowRecords } from '../signin/redirectless/flow-records';
import { flowStoreFor } from '../signin/flow-store-for';
import type { PingSignInState } from '../signin/redirectless/sign-in-state';
import { checkSignInReady } from '../signin/redirectless/check-sign-in';
import { createSignInRoute } from '../signin/redirectless/route';
import {
  setRequestSession,
  setRequestUnavailable,
  type PingSessionStatus,
} from '../http/request-session';

declare global {
  // Declaration merging is how Express lets libraries type what they add to a request.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The PingOne session of the request's `ST` cookie, set by `pingSession()`; `undefined`
       * when there is no cookie or PingOne has no valid session for it.
       */
      pingSession?: PingSession;
      /**
       * What `pingSession()` concluded: `'valid'` (a session), `'none'` (no cookie, or PingOne has
       * no session for it) or `'unavailable'` (PingOne could not be asked; `onUpstreamError`
       * `'degrade'`). `undefined` when `pingSession()` did not run.
       */
      pingSessionStatus?: PingSessionStatus;
      /**
       * On `GET` of the sign-in path (with `signIn` on): the step a sign-in page should show.
       * `undefined` elsewhere.
       */
      pingSignIn?: PingSignInState;
      /**
       * The signed-in user, read from PingOne's users API on first call and kept as long as the
       * session (in the shared store, sealed, when there is one). Resolves to `undefined` without
       * a session, or when PingOne no longer has the user; rejects with a `PingOneError` when
       * PingOne cannot say. Routes that do not call it cost nothing. Name your own type for
       * custom attributes: `req.pingUser<MyUser>()` with `interface MyUser extends PingUser`.
       */
      pingUser<User extends PingUser = PingUser>(): Promise<User | undefined>;
    }
  }
}

/** The middleware `pingSession()` returns. */
export type PingSessionMiddleware = RequestHandler & {
  /**
   * For readiness probes and start-up scripts: gets an access token and asks PingOne for the
   * session of a made-up token, which must draw its documented `404 NOT_FOUND` (credentials,
   * environment, role and `apiPath` all work). With `signIn`, also starts a sign-in that nobody
   * finishes (PingOne knows `signIn.clientId`) and redeems a made-up code, which must draw
   * `invalid_grant` (the sign-in application's credentials work). Rejects with a
   * {@link ConfigError} (`ERR_PINGONE_NOT_READY`) that says what is wrong and how to fix it.
   */
  ready(): Promise<void>;
};

/**
 * Reads the browser's PingOne session token cookie, asks PingOne for its session with the
 * server-held access token, and sets `req.pingSession`. Also answers the logout route.
 * Options are checked now: bad ones throw a {@link ConfigError}.
 */
export function pingSession(options?: PingSessionOptions): PingSessionMiddleware {
  const resolved = resolveOptions(options);
  // Every call to PingOne goes through these lanes: a bulkhead, a breaker and a 429 pause per kind.
  const send = createResilientSend(createUpstream(), resolved, resolved.logger);
  const client = createPingOneClient(resolved, send);
  const sessions = createSessionCache(
    client.readSession,
    resolved.cache,
    resolved.logger,
    resolved.unknownTokenBudget,
  );
  const { logout, signIn, cache, onUpstreamError } = resolved;
  const readToken = createSessionTokenReader(resolved);
  const account = createAccount({
    directory: createDirectoryClient(resolved, client.authorized, client.reported),
    sessions,
    users: cache
      ? createUserRecords(
          cache.store && isFlowStore(cache.store) ? cache.store : new MemoryFlowStore(),
          cache.keySecret,
          cache.storeTimeoutMs,
        )
      : undefined,
  });
  const logoutRoute = logout
    ? createLogoutRoute(resolved, logout, { client, sessions, account, readToken })
    : undefined;
  const signOn = signIn ? createSignOnClient(resolved, signIn, send) : undefined;
  const signInRoute = signIn
    ? createSignInRoute(resolved, signIn, {
        signOn: signOn!,
        sessions,
        flows: createFlowRecords(
          flowStoreFor(cache),
          cache ? cache.keySecret : undefined,
          cache ? cache.storeTimeoutMs : CACHE_DEFAULTS.cache.storeTimeoutMs,
        ),
        readToken,
      })
    : undefined;

  /** The app request prototype last seen: one comparison per request, not a set lookup. */
  let lastPrototype: object | null = null;
  const adopted = new WeakSet<object>();

  const middleware: RequestHandler = function pingSessionMiddleware(req, res, next) {
    const prototype = Object.getPrototypeOf(req) as object | null;
    if (prototype !== lastPrototype && prototype !== null) {
      if (!adopted.has(prototype)) {
        adoptRequestPrototype(prototype, account);
        adopted.add(prototype);
      }
      lastPrototype = prototype;
    }
    if (logoutRoute?.(req, res, next)) return;
    if (signInRoute?.(req, res, next, () => readSession(req, res, next))) return;
    readSession(req, res, next);
  };
  const ready = async () => {
    await client.checkReady();
    if (signOn !== undefined) await checkSignInReady(signOn);
  };
  return Object.assign(middleware, { ready });

  function readSession(req: Request, res: Response, next: NextFunction): void {
    const sessionToken = readToken(req);
    if (sessionToken === undefined) {
      setRequestSession(req, undefined);
      return next();
    }
    const found = sessions.lookup(
      sessionToken,
      keyOnConnection(req, sessionToken, sessions.keyOf),
      req,
    );
    if (!(found instanceof Promise)) {
      setRequestSession(req, found ?? undefined);
      return next();
    }
    found.then(
      (session) => {
        setRequestSession(req, session ?? undefined);
        next();
      },
      () => {
        if (onUpstreamError === 'fail-closed') return sendUnavailable(res);
        if (onUpstreamError === 'degrade') setRequestUnavailable(req);
        else setRequestSession(req, undefined);
        next();
      },
    );
  }
}

/** Keyed by socket, so that no property is added to Node's socket objects. */
const keysOnConnections = new WeakMap<Socket, { token: string; key: string }>();

/**
 * The cache key of the token, remembered on the connection: a browser sends the same cookie on
 * every request of a keep-alive connection, and the keyed hash is the dearest step of a cache
 * hit. The token stays only as long as the connection that carries it in every request anyway.
 */
function keyOnConnection(req: Request, sessionToken: string, keyOf: (token: string) => string) {
  const socket = req.socket as Socket | undefined;
  const remembered = socket && keysOnConnections.get(socket);
  if (remembered !== undefined && remembered.token === sessionToken) return remembered.key;
  const key = keyOf(sessionToken);
  // A connection of a proxy's pool carries another user's token on every request: its memo is
  // updated in place rather than replaced, which saves an allocation and a WeakMap write.
  if (remembered !== undefined) {
    remembered.token = sessionToken;
    remembered.key = key;
  } else if (socket) {
    keysOnConnections.set(socket, { token: sessionToken, key });
  }
  return key;
}
