import { randomBytes, randomUUID } from 'node:crypto';
import type { PingSession, PingSessionLocation } from '../core/session';
import { DEMO_USERS, type DemoUser } from './demo-users';
import { parseUserAgent } from './user-agent';

export interface CreateSessionOptions {
  /** A demo user's username or ID, or any user ID. Default: the first demo user. */
  user?: string;
  userAgent?: string;
  remoteIp?: string;
  idleTimeoutInMinutes?: number;
  /** Authenticators of the sign-on (`lastSignOn.authenticators`). Default: `['pwd']`. */
  authenticators?: string[];
  /**
   * When the sign-on happened (`lastSignOn.at` and each authenticator's `at`), in epoch
   * milliseconds, for tests of freshness guards. Default: now.
   */
  signedOnAt?: number;
  /**
   * Seconds until the session expires (`expiresAt`), for tests of expiry; `0` or less makes an
   * expired session. Default: its idle timeout from now.
   */
  expiresInSeconds?: number;
  /**
   * A session a sign-on flow has begun (the user is identified, `ST` is set) but not finished:
   * `sessions/me` does not know it until {@link SessionStore.complete}.
   */
  pending?: boolean;
}

/** A session as the emulator makes it: every field PingOne's reference example shows. */
export type EmulatedSession = PingSession &
  Required<
    Pick<
      PingSession,
      '_links' | 'userAgent' | 'browser' | 'operatingSystem' | 'device' | 'locations' | 'lastSignOn'
    >
  >;

export interface CreatedSession {
  /** The session token, as PingOne would set it in the `ST` cookie. */
  token: string;
  session: EmulatedSession;
}

export type SessionState = 'active' | 'pending' | 'reset' | 'expired' | 'unknown';

const DEFAULT_USER_AGENT =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:103.0) Gecko/20100101 Firefox/103.0';
const POLICY = { id: '874d5c7d-5e1c-4e73-b2b5-dfe1453b02f5', type: 'PINGONE' };
/** PingOne keeps the last five locations of a session. */
const MAX_LOCATIONS = 5;
/** PingOne keeps at most ten sessions per user, dropping the oldest. */
const MAX_LISTED = 10;

interface StoredSession {
  session: EmulatedSession;
  reset: boolean;
  pending: boolean;
}

/** The emulator's sessions, by token. Time comes from `now` so tests can move it. */
export class SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  /** Tokens of sessions forgotten by clear(): still secrets that must never leak. */
  private readonly cleared: string[] = [];

  constructor(
    private readonly environmentId: string,
    private readonly apiPath: string,
    private readonly now: () => number,
    private readonly defaultIdleTimeoutInMinutes: number,
  ) {}

  create(options: CreateSessionOptions = {}): CreatedSession {
    const token = randomBytes(32).toString('base64url');
    const at = new Date(this.now()).toISOString();
    const user = findDemoUser(options.user);
    const userId = user?.id ?? options.user ?? DEMO_USERS[0]!.id;
    const remoteIp = options.remoteIp ?? '127.0.0.1';
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    const id = randomUUID();
    const environment = `${this.apiPath}/environments/${this.environmentId}`;
    const location: PingSessionLocation = { at, remoteIp, ...user?.location };
    const session = {
      _links: {
        self: { href: `${environment}/sessions/${id}` },
        environment: { href: environment },
        user: { href: `${environment}/users/${userId}` },
      },
      id,
      environment: { id: this.environmentId },
      user: { id: userId },
      createdAt: at,
      activeAt: at,
      idleTimeoutInMinutes: options.idleTimeoutInMinutes ?? this.defaultIdleTimeoutInMinutes,
      userAgent,
      ...parseUserAgent(userAgent),
      locations: [location],
      lastSignOn: signOnAt(
        options.signedOnAt === undefined ? at : new Date(options.signedOnAt).toISOString(),
        remoteIp,
        options.authenticators ?? ['pwd'],
      ),
    };
    const created: EmulatedSession = {
      ...session,
      expiresAt:
        options.expiresInSeconds === undefined
          ? expiryOf(at, session.idleTimeoutInMinutes)
          : new Date(this.now() + options.expiresInSeconds * 1000).toISOString(),
    };
    this.sessions.set(token, { session: created, reset: false, pending: options.pending ?? false });
    return { token, session: structuredClone(created) };
  }

  /** Finishes a pending session's sign-on, now, with these authenticators. */
  complete(token: string, authenticators: string[]): void {
    const stored = this.sessions.get(token);
    if (!stored?.pending) return;
    const at = new Date(this.now()).toISOString();
    const { session } = stored;
    stored.pending = false;
    stored.session = {
      ...session,
      activeAt: at,
      expiresAt: expiryOf(at, session.idleTimeoutInMinutes),
      lastSignOn: signOnAt(at, session.lastSignOn?.remoteIp, authenticators),
    };
  }

  /** The session behind a token, while it is neither reset nor expired. */
  find(token: string): PingSession | undefined {
    const stored = this.sessions.get(token);
    return stored && this.stateOf(stored) === 'active'
      ? structuredClone(stored.session)
      : undefined;
  }

  /**
   * A reset session as PingOne may still show it (REAL-TENANT.md M6): the session, for no one,
   * with no sign-on. `undefined` unless the session of this token, or with this ID, was reset.
   */
  resetView(by: { token: string } | { id: string }): object | undefined {
    const stored =
      'token' in by
        ? this.sessions.get(by.token)
        : [...this.sessions.values()].find((each) => each.session.id === by.id);
    if (!stored?.reset) return undefined;
    const { user, ...view } = structuredClone(stored.session);
    return { ...view, lastSignOn: null };
  }

  /** The session with this ID (not token), while it is neither reset nor expired. */
  findById(sessionId: string): PingSession | undefined {
    for (const stored of this.sessions.values()) {
      if (stored.session.id !== sessionId) continue;
      return this.stateOf(stored) === 'active' ? structuredClone(stored.session) : undefined;
    }
    return undefined;
  }

  /** Marks the session as used now from `remoteIp`, as a sign-on to another app would. */
  touch(token: string, remoteIp = '127.0.0.1'): PingSession | undefined {
    const stored = this.sessions.get(token);
    if (!stored || this.stateOf(stored) !== 'active') return undefined;
    const { session } = stored;
    const activeAt = new Date(this.now()).toISOString();
    const last = session.locations[0];
    stored.session = {
      ...session,
      activeAt,
      expiresAt: expiryOf(activeAt, session.idleTimeoutInMinutes),
      locations: [{ ...last, at: activeAt, remoteIp }, ...session.locations].slice(
        0,
        MAX_LOCATIONS,
      ),
    };
    return structuredClone(stored.session);
  }

  /** Ends an active session; false when there was none to end. */
  reset(token: string): boolean {
    const stored = this.sessions.get(token);
    if (!stored || this.stateOf(stored) !== 'active') return false;
    stored.reset = true;
    return true;
  }

  /**
   * A user's sessions as PingOne's user-sessions API lists them (its "User session data model"):
   * newest first, at most ten, expired ones included, with no `expiresAt` nor
   * `idleTimeoutInMinutes`; ended ones are gone.
   */
  ofUser(userId: string): Record<string, unknown>[] {
    return [...this.sessions.values()]
      .filter((stored) => stored.session.user.id === userId && !stored.reset && !stored.pending)
      .map((stored) => stored.session)
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .slice(0, MAX_LISTED)
      .map(({ expiresAt, idleTimeoutInMinutes, ...listed }) => structuredClone(listed));
  }

  /** Ends a session by its ID (not its token); false when there was none to end. */
  resetById(sessionId: string, userId?: string): boolean {
    for (const stored of this.sessions.values()) {
      const { session } = stored;
      if (session.id !== sessionId || (userId !== undefined && session.user.id !== userId)) {
        continue;
      }
      if (this.stateOf(stored) !== 'active') return false;
      stored.reset = true;
      return true;
    }
    return false;
  }

  /**
   * The user signed on again in this session (a step-up): PingOne keeps the session and its ID
   * and records the new sign-on.
   */
  signOnAgain(token: string, authenticators: string[], remoteIp?: string): void {
    const stored = this.sessions.get(token);
    if (!stored || this.stateOf(stored) !== 'active') return;
    const at = new Date(this.now()).toISOString();
    const { session } = stored;
    stored.session = {
      ...session,
      activeAt: at,
      expiresAt: expiryOf(at, session.idleTimeoutInMinutes),
      lastSignOn: signOnAt(at, remoteIp ?? session.lastSignOn.remoteIp, authenticators),
    };
  }

  /** Forgets every session: their tokens are unknown to PingOne from now on. */
  clear(): void {
    this.cleared.push(...this.sessions.keys());
    this.sessions.clear();
  }

  /** Every session token ever issued. */
  tokens(): string[] {
    return [...this.cleared, ...this.sessions.keys()];
  }

  state(token: string): SessionState {
    const stored = this.sessions.get(token);
    return stored ? this.stateOf(stored) : 'unknown';
  }

  private stateOf(stored: StoredSession): SessionState {
    if (stored.reset) return 'reset';
    if (stored.pending) return 'pending';
    return this.now() >= Date.parse(stored.session.expiresAt) ? 'expired' : 'active';
  }
}

function findDemoUser(user: string | undefined): DemoUser | undefined {
  if (user === undefined) return DEMO_USERS[0];
  return DEMO_USERS.find((demo) => demo.username === user || demo.id === user);
}

function signOnAt(at: string, remoteIp: string | undefined, authenticators: string[]) {
  const used = { policy: POLICY, at };
  return {
    remoteIp,
    authenticators,
    withAuthenticator: Object.fromEntries(authenticators.map((name) => [name, used])),
    policy: POLICY,
    at,
  };
}

function expiryOf(activeAt: string, idleTimeoutInMinutes: number): string {
  return new Date(Date.parse(activeAt) + idleTimeoutInMinutes * 60_000).toISOString();
}
