import type { Request } from 'express';
import { AccountError } from '../core/errors';
import { sharedRequestPrototype } from '../http/request-session';
import type { PingUserSession } from '../core/session';
import type { PingUser } from '../core/user';
import type { Account } from './account';

/** Where each app's request prototype keeps the account of the `pingSession()` mounted on it. */
const ACCOUNT = Symbol('express-pingone-session account');

type WithAccount = { [ACCOUNT]?: Account };

function accountOf(req: Request, name: string): Account {
  const account = (req as WithAccount)[ACCOUNT];
  if (account !== undefined) return account;
  throw new AccountError(
    'ERR_PINGONE_NOT_MOUNTED',
    `${name} needs pingSession() mounted before it.`,
    500,
  );
}

/** `req.pingUser()`, on Express's shared request prototype so that every app's requests have it. */
async function pingUser(this: Request): Promise<PingUser | undefined> {
  return accountOf(this, 'req.pingUser()').user(this);
}

/**
 * Makes `account` the one requests of this app prototype (and of apps mounted under it, whose
 * prototypes inherit from it) act on. Called once per app prototype, never per request.
 */
export function adoptRequestPrototype(prototype: object, account: Account): void {
  Object.defineProperty(prototype, ACCOUNT, { value: account, configurable: true });
  const shared = sharedRequestPrototype(prototype);
  if (!Object.hasOwn(shared, 'pingUser')) {
    Object.defineProperty(shared, 'pingUser', {
      value: pingUser,
      configurable: true,
      writable: true,
    });
  }
}

/**
 * The signed-in user's running sessions (one per browser or device), most recently active first,
 * at most ten, each with `current` set on this request's own. Rejects with an
 * {@link AccountError} (`ERR_PINGONE_NO_SESSION`) without a session, or a {@link PingOneError}.
 */
export async function listSessions(req: Request): Promise<PingUserSession[]> {
  return accountOf(req, 'listSessions()').listSessions(req);
}

/**
 * Ends one of the signed-in user's other sessions (signs that device out) and makes every
 * instance forget it. Only an ID PingOne lists for this user is accepted; anything else rejects
 * with an {@link AccountError} (`ERR_PINGONE_NOT_YOUR_SESSION`) before PingOne is asked. The
 * request's own session is refused (`ERR_PINGONE_CURRENT_SESSION`): the logout route ends it and
 * clears the cookie.
 */
export async function endSession(req: Request, sessionId: string): Promise<void> {
  return accountOf(req, 'endSession()').endSession(req, sessionId);
}
