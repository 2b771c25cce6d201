import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { adoptRequestPrototype } from '../account/request-account';
import type { PingSession } from '../core/session';
import type { PingUser } from '../core/user';
import {
  setRequestSession,
  setRequestUnavailable,
  type PingSessionStatus,
} from '../http/request-session';
import { sendUnavailable } from '../http/send-error';
import type { PingSignInState } from '../signin/redirectless/sign-in-state';
import { assemble } from './assemble';
import type { PingSessionOptions } from './options';
import { resolveOptions } from './resolve-options';

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
  const { client, credentials, sessions, account, logoutRoute, signInRoutes, checkSignIn } =
    assemble(resolved);
  const { onUpstreamError } = resolved;

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
    if (signInRoutes?.(req, res, next, () => readSession(req, res, next))) return;
    readSession(req, res, next);
  };
  const ready = async () => {
    await client.checkReady();
    if (checkSignIn !== undefined) await checkSignIn();
  };
  return Object.assign(middleware, { ready });

  function readSession(req: Request, res: Response, next: NextFunction): void {
    const sessionToken = credentials.read(req);
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
