/**
 * The session PingOne returns for `GET /environments/{envID}/sessions/me`, field for field as in
 * PingOne's reference example. Timestamps are ISO-8601 UTC strings, as PingOne sends them.
 */
export interface PingSession {
  _links: PingSessionLinks;
  /** The session's ID (not its token: the token is never exposed by this library). */
  id: string;
  environment: { id: string };
  user: { id: string };
  createdAt: string;
  /** When the user was last active in this session at PingOne. */
  activeAt: string;
  idleTimeoutInMinutes: number;
  userAgent: string;
  browser: PingSessionBrowser;
  operatingSystem: PingSessionOperatingSystem;
  device: PingSessionDevice;
  /** The most recent places the session was used from (PingOne keeps the last 5). */
  locations: PingSessionLocation[];
  lastSignOn: PingSessionLastSignOn;
  /** Derived by PingOne from `activeAt` and `idleTimeoutInMinutes`. */
  expiresAt: string;
}

export interface PingSessionLink {
  href: string;
}

export interface PingSessionLinks {
  self: PingSessionLink;
  environment: PingSessionLink;
  user: PingSessionLink;
}

export interface PingSessionBrowser {
  name: string;
  version: string;
}

export interface PingSessionOperatingSystem {
  name: string;
  version: string;
}

export interface PingSessionDevice {
  type: string;
}

export interface PingSessionLocation {
  at: string;
  remoteIp: string;
  city?: string;
  state?: string;
  region?: string;
  country?: string;
}

export interface PingSessionPolicy {
  id: string;
  type: string;
}

export interface PingSessionAuthenticatorUse {
  policy: PingSessionPolicy;
  at: string;
}

export interface PingSessionLastSignOn {
  remoteIp: string;
  /** Authenticator names such as `pwd` or `mfa`. */
  authenticators: string[];
  withAuthenticator: Record<string, PingSessionAuthenticatorUse>;
  policy: PingSessionPolicy;
  at: string;
}
