/**
 * The session PingOne returns for `GET /environments/{envID}/sessions/me`, field for field as in
 * PingOne's reference example. Timestamps are ISO-8601 UTC strings, as PingOne sends them.
 * The fields a session cannot be without (IDs, times, idle timeout) are checked on every answer.
 * The descriptive ones (browser, device, locations, last sign-on...) are checked when present but
 * may be absent: PingOne's reference shows them on every session without promising them, and a
 * session must not be refused for lacking one.
 */
export interface PingSession {
  readonly _links?: PingSessionLinks;
  /** The session's ID (not its token: the token is never exposed by this library). */
  readonly id: string;
  /** Always the configured environment: an answer about another one is refused. */
  readonly environment: { readonly id: string };
  readonly user: { readonly id: string };
  readonly createdAt: string;
  /** When the user was last active in this session at PingOne. */
  readonly activeAt: string;
  readonly idleTimeoutInMinutes: number;
  readonly userAgent?: string;
  readonly browser?: PingSessionBrowser;
  readonly operatingSystem?: PingSessionOperatingSystem;
  readonly device?: PingSessionDevice;
  /** The most recent places the session was used from (PingOne keeps the last 5). */
  readonly locations?: readonly PingSessionLocation[];
  readonly lastSignOn?: PingSessionLastSignOn;
  /** Derived by PingOne from `activeAt` and `idleTimeoutInMinutes`; always later than the answer. */
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
  readonly remoteIp?: string;
  /** Authenticator names such as `pwd` or `mfa`. */
  readonly authenticators: readonly string[];
  readonly withAuthenticator?: Readonly<Record<string, PingSessionAuthenticatorUse>>;
  readonly policy?: PingSessionPolicy;
  readonly at: string;
}

/**
 * Whether a value, parsed from PingOne's answer or read back from a store, is shaped as a
 * {@link PingSession}: every field the type requires, of its type (IDs non-empty, timestamps that
 * parse); every optional field it has, of its type. Anything else is never taken for a session.
 */
export function isPingSession(value: unknown): value is PingSession {
  if (!isRecord(value)) return false;
  const { idleTimeoutInMinutes } = value;
  return (
    isId(value.id) &&
    isRecord(value.environment) &&
    isId(value.environment.id) &&
    isRecord(value.user) &&
    isId(value.user.id) &&
    isTimestamp(value.createdAt) &&
    isTimestamp(value.activeAt) &&
    isTimestamp(value.expiresAt) &&
    typeof idleTimeoutInMinutes === 'number' &&
    Number.isFinite(idleTimeoutInMinutes) &&
    idleTimeoutInMinutes >= 0 &&
    optional(value._links, isRecord) &&
    optional(value.userAgent, isString) &&
    optional(value.browser, isNameAndVersion) &&
    optional(value.operatingSystem, isNameAndVersion) &&
    optional(value.device, (device) => isRecord(device) && isString(device.type)) &&
    optional(
      value.locations,
      (locations) => Array.isArray(locations) && locations.every(isLocation),
    ) &&
    optional(value.lastSignOn, isLastSignOn)
  );
}

type Fields = Record<string, unknown>;

function isRecord(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && !Number.isNaN(Date.parse(value));
}

function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function isNameAndVersion(value: unknown): boolean {
  return isRecord(value) && isString(value.name) && isString(value.version);
}

function isLocation(value: unknown): boolean {
  return isRecord(value) && isTimestamp(value.at) && isString(value.remoteIp);
}

function isLastSignOn(value: unknown): boolean {
  return (
    isRecord(value) &&
    isTimestamp(value.at) &&
    Array.isArray(value.authenticators) &&
    value.authenticators.every(isString) &&
    optional(value.remoteIp, isString) &&
    optional(value.withAuthenticator, isRecord) &&
    optional(value.policy, isRecord)
  );
}

/**
 * One of the user's sessions as PingOne's user-sessions API lists them (one per browser or
 * device), with `current` set on the one of the request being served. PingOne's list pages show
 * fewer fields than `sessions/me`; each is optional here except the IDs.
 */
export interface PingUserSession extends Partial<Omit<PingSession, 'id' | 'user'>> {
  readonly id: string;
  readonly user: { readonly id: string };
  /** This request's own session. */
  readonly current: boolean;
}

/** Whether a listed session carries what a device list needs: its ID and its user's. */
export function isListedSession(value: unknown): value is Omit<PingUserSession, 'current'> {
  return (
    isRecord(value) &&
    isId(value.id) &&
    isRecord(value.user) &&
    isId(value.user.id) &&
    optional(value.expiresAt, isTimestamp) &&
    optional(value.activeAt, isTimestamp) &&
    optional(value.createdAt, isTimestamp)
  );
}
