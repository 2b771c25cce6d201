import type { Request } from 'express';
import type { SessionCache } from '../cache/session-cache';
import { sessionEndsAt } from '../cache/lookup-lifetime';
import type { DirectoryClient, ListedSession } from '../client/directory-client';
import { AccountError } from '../core/errors';
import type { PingSession, PingUserSession } from '../core/session';
import type { PingUser } from '../core/user';
import type { UserRecords } from './user-records';

/** PingOne lists at most ten sessions per user; so does `listSessions()`. */
const MAX_LISTED = 10;
/** No PingOne ID comes near this: anything longer is refused before it is compared. */
const MAX_ID_LENGTH = 256;

/** What `pingSession()` offers about the signed-in user's account, for one request at a time. */
export interface Account {
  user(req: Request): Promise<PingUser | undefined>;
  listSessions(req: Request): Promise<PingUserSession[]>;
  endSession(req: Request, sessionId: unknown): Promise<void>;
  /** Ends every session of the user but this one; resolves to how many could not be ended. */
  endOtherSessions(session: PingSession): Promise<number>;
  /** Drops the user kept for this session (it was signed out). */
  forgetUser(session: PingSession): Promise<void>;
}

export interface AccountParts {
  directory: DirectoryClient;
  sessions: SessionCache;
  users: UserRecords | undefined;
  /** Longest a user is reused without asking PingOne again (within one session and sign-on). */
  userTtlMs: number;
  /** `GET sessions/{id}`: whether a listed session is still running, PingOne says. */
  readSessionById: (sessionId: string) => Promise<PingSession | null>;
}

/**
 * PingOne's idle timeout of sign-on policy sessions, fixed ("30 days, not configurable"). Its
 * session list gives neither `expiresAt` nor the idle timeout, and keeps expired sessions.
 */
const IDLE_TIMEOUT_MS = 30 * 24 * 60 * 60_000;

/**
 * The account API's methods. Longer than most functions here: the methods share one closure (the
 * clients, the per-request user memo, the list and its pruning), and each is short.
 */
export function createAccount({
  directory,
  sessions,
  users,
  userTtlMs,
  readSessionById,
}: AccountParts): Account {
  /** One user read per request, however often a route asks. */
  const usersOfRequests = new WeakMap<Request, Promise<PingUser | undefined>>();

  async function readUser(session: PingSession): Promise<PingUser | undefined> {
    const userId = session.user.id;
    const kept = await users?.load(session);
    if (kept !== undefined) return kept;
    const user = await directory.readUser(userId);
    if (user === null) return undefined;
    // Briefly, so that an administrator's change (a role, a disabled account) shows soon, and
    // never past the session it was read for: a new sign-on reads the user afresh.
    const ttl = Math.min(userTtlMs, sessionEndsAt(session) - Date.now());
    if (users && ttl > 0) await users.save(session, user, ttl);
    return user;
  }

  /**
   * The user's sessions PingOne lists, but those idle past its fixed timeout: its list keeps
   * expired sessions and does not say which (REAL-TENANT.md M3). Enough to act on (ending an
   * expired session is harmless), not to show.
   */
  async function listed(session: PingSession): Promise<ListedSession[]> {
    const now = Date.now();
    return (await directory.listSessions(session.user.id)).filter((each) => !hasEnded(each, now));
  }

  /**
   * The user's sessions still running, most recently active first: each listed one (but the
   * request's own) confirmed by a read by its ID; one PingOne cannot vouch for right now is shown
   * rather than hidden.
   */
  async function running(session: PingSession): Promise<ListedSession[]> {
    const candidates = await listed(session);
    const live = await Promise.all(
      candidates.map((each) =>
        each.id === session.id
          ? true
          : readSessionById(each.id).then(
              (found) => found !== null,
              () => true,
            ),
      ),
    );
    return candidates
      .filter((_each, i) => live[i])
      .sort((a, b) => timeOf(b.activeAt ?? b.createdAt) - timeOf(a.activeAt ?? a.createdAt))
      .slice(0, MAX_LISTED);
  }

  return {
    user(req) {
      const session = req.pingSession;
      if (session === undefined) return Promise.resolve(undefined);
      let user = usersOfRequests.get(req);
      if (user === undefined) {
        user = readUser(session);
        usersOfRequests.set(req, user);
      }
      return user;
    },
    async listSessions(req) {
      const session = signedIn(req);
      return (await running(session)).map((each) => ({ ...each, current: each.id === session.id }));
    },
    async endSession(req, sessionId) {
      const session = signedIn(req);
      if (sessionId === session.id) {
        throw new AccountError(
          'ERR_PINGONE_CURRENT_SESSION',
          "endSession() ends the user's other sessions; sign this one out with the logout route.",
          409,
        );
      }
      // Only an ID PingOne itself lists for this user is ever sent back to PingOne.
      const known =
        typeof sessionId === 'string' &&
        sessionId.length <= MAX_ID_LENGTH &&
        (await listed(session)).some((each) => each.id === sessionId);
      if (!known) {
        throw new AccountError(
          'ERR_PINGONE_NOT_YOUR_SESSION',
          'No running session of the signed-in user has this ID.',
          404,
        );
      }
      await directory.deleteSession(session.user.id, sessionId);
      await sessions.forgetSession(sessionId);
    },
    async endOtherSessions(session) {
      const others = (await listed(session)).filter((each) => each.id !== session.id);
      const results = await Promise.allSettled(
        others.map(async ({ id }) => {
          await directory.resetSession(id);
          await sessions.forgetSession(id);
        }),
      );
      return results.filter((result) => result.status === 'rejected').length;
    },
    forgetUser: async (session) => users?.forget(session),
  };
}

function signedIn(req: Request): PingSession {
  const session = req.pingSession;
  if (session !== undefined) return session;
  throw new AccountError('ERR_PINGONE_NO_SESSION', 'The request has no valid session.', 401);
}

/** Past its `expiresAt`, or idle past its timeout (the list's, else PingOne's fixed one). */
function hasEnded(session: ListedSession, now: number): boolean {
  if (session.expiresAt !== undefined && Date.parse(session.expiresAt) <= now) return true;
  if (session.activeAt === undefined) return false;
  const idleMs =
    session.idleTimeoutInMinutes === undefined
      ? IDLE_TIMEOUT_MS
      : session.idleTimeoutInMinutes * 60_000;
  return Date.parse(session.activeAt) + idleMs <= now;
}

function timeOf(at: string | undefined): number {
  const time = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(time) ? 0 : time;
}
