import type { PingSession } from '../core/session';

/** Options of {@link requireSession}. */
export interface RequireSessionOptions {
  /**
   * Where browser navigations without a session are sent (`302`), with the URL they asked for as
   * the `returnTo` query parameter. A path on this site or an absolute `http(s):` URL. Without it,
   * every request without a session gets `401` JSON.
   */
  loginUrl?: string;
  /**
   * Step-up by freshness: the last sign-on (`lastSignOn.at`; with `authenticators`, each of
   * theirs) at most this many seconds ago. Default: any age.
   */
  maxAuthAgeSeconds?: number;
  /**
   * Step-up by strength: the last sign-on used every one of these authenticators
   * (`lastSignOn.authenticators`: PingOne names such as `pwd`, `otp`, `mfa`, `fido2`; any string
   * is taken). Default: any.
   */
  authenticators?: string[];
  /** Any other condition on the session; `false` asks for a new sign-on like the others. */
  check?: (session: PingSession) => boolean;
}
