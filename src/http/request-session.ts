import { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import type { PingSession } from '../core/session';

/**
 * Where `req.pingSession` lives. Express gives each request a swapped prototype (its app's
 * request object), and adding an own property to such an object takes V8's slow path: measured
 * with callgrind in steady state, a cache hit cost 661 000 instructions per request with an own
 * property and 644 000 with this (bare Express: 544 000). So the session is kept in a WeakMap,
 * and `pingSession` is an accessor on Express's shared request prototype (the one every app's,
 * and every mounted sub-app's, request prototype inherits from), installed once.
 */
const sessions = new WeakMap<object, PingSession | undefined | typeof UNAVAILABLE>();
/** Kept in place of a session when PingOne could not say: one map serves both accessors. */
const UNAVAILABLE = Symbol('unavailable');

/** What `pingSession()` concluded about a request: `req.pingSessionStatus`. */
export type PingSessionStatus = 'none' | 'valid' | 'unavailable';
/** Request prototypes (one per app) whose chain is known to carry the accessor. */
const readyPrototypes = new WeakSet<object>();

const accessor: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: object) {
    const value = sessions.get(this);
    return value === UNAVAILABLE ? undefined : value;
  },
  set(this: object, value: PingSession | undefined) {
    sessions.set(this, value);
  },
};

const statusAccessor: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: object) {
    return sessionStatusOf(this);
  },
};

/** Records that `pingSession()` looked at the request, and the session it found, if any. */
export function setRequestSession(req: Request, session: PingSession | undefined): void {
  const own = Object.getPrototypeOf(req) as object | null;
  // The chain is walked once per app, not on every request.
  if (own !== null && !readyPrototypes.has(own)) {
    const shared = sharedRequestPrototype(own);
    if (!Object.hasOwn(shared, 'pingSession')) {
      Object.defineProperty(shared, 'pingSession', accessor);
      Object.defineProperty(shared, 'pingSessionStatus', statusAccessor);
    }
    readyPrototypes.add(own);
  }
  sessions.set(req, session);
}

/** Records that PingOne could not say whether the request's token has a session. */
export function setRequestUnavailable(req: Request): void {
  setRequestSession(req, undefined);
  sessions.set(req, UNAVAILABLE);
}

/** `undefined` when `pingSession()` did not look at this request. */
export function sessionStatusOf(req: object): PingSessionStatus | undefined {
  const value = sessions.get(req);
  if (value === UNAVAILABLE) return 'unavailable';
  if (value !== undefined) return 'valid';
  return sessions.has(req) ? 'none' : undefined;
}

/**
 * Express's `request` object: the prototype in the chain from `own` that sits right on
 * IncomingMessage's. Without Express in between, `own` itself.
 */
export function sharedRequestPrototype(own: object): object {
  let prototype: object | null = own;
  while (prototype !== null) {
    const parent = Object.getPrototypeOf(prototype) as object | null;
    if (parent === IncomingMessage.prototype) return prototype;
    prototype = parent;
  }
  return own;
}
