/**
 * The session PingOne returns for `GET /environments/{envID}/sessions/me`, field for field as in
 * PingOne's reference example. Timestamps are ISO-8601 UTC strings, as PingOne sends them.
 */
export interface PingSession {
  readonly _links: PingSessionLinks;
  /** The session's ID (not its token: the token is never exposed by this library). */
  readonly id: string;
  readonly environment: { readonly id: string };
  readonly user: { readonly id: string };
  readonly createdAt: string;
  /** When the user was last active in this session at PingOne. */
  readonly activeAt: string;
  readonly idleTimeoutInMinutes: number;
  readonly userAgent: string;
  readonly browser: PingSessionBrowser;
  readonly operatingSystem: PingSessionOperatingSystem;
  readonly device: PingSessionDevice;
  /** The most recent places the session was used from (PingOne keeps the last 5). */
  readonly locations: readonly PingSessionLocation[];
  readonly lastSignOn: PingSessionLastSignOn;
  /** Derived by PingOne from `activeAt` and `idleTimeoutInMinutes`. */
  readonly expiresAt: string;
}

export interface PingSessionLink {
  readonly href: string;
}

export interface PingSessionLinks {
  readonly self: PingSessionLink;
  readonly environment: PingSessionLink;
  readonly user: PingSessionLink;
}

export interface PingSessionBrowser {
  readonly name: string;
  readonly version: string;
}

export interface PingSessionOperatingSystem {
  readonly name: string;
  readonly version: string;
}

export interface PingSessionDevice {
  readonly type: string;
}

export interface PingSessionLocation {
  readonly at: string;
  readonly remoteIp: string;
  readonly city?: string;
  readonly state?: string;
  readonly region?: string;
  readonly country?: string;
}

export interface PingSessionPolicy {
  readonly id: string;
  readonly type: string;
}

export interface PingSessionAuthenticatorUse {
  readonly policy: PingSessionPolicy;
  readonly at: string;
}

export interface PingSessionLastSignOn {
  readonly remoteIp: string;
  /** Authenticator names such as `pwd` or `mfa`. */
  readonly authenticators: readonly string[];
  readonly withAuthenticator: Readonly<Record<string, PingSessionAuthenticatorUse>>;
  readonly policy: PingSessionPolicy;
  readonly at: string;
}

/**
 * Whether a value, parsed from PingOne's answer or read back from a store, has what every session
 * has: a string `id` and a string `user.id`. Anything else is never taken for a session.
 */
export function isPingSession(value: unknown): value is PingSession {
  const session = value as Partial<PingSession> | null;
  return (
    typeof session === 'object' &&
    session !== null &&
    typeof session.id === 'string' &&
    typeof session.user?.id === 'string'
  );
}
