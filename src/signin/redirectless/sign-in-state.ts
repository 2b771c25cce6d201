import type { SignInErrorCode } from '../../core/error-responses';
import type { SignInDevice } from './flow-records';

/** The flow statuses the sign-in route can take a person through. */
export type SignInStep =
  | 'USERNAME_PASSWORD_REQUIRED'
  | 'PASSWORD_REQUIRED'
  | 'PASSWORD_EXPIRED'
  | 'MUST_CHANGE_PASSWORD'
  | 'DEVICE_SELECTION_REQUIRED'
  | 'OTP_REQUIRED';

/**
 * What a sign-in page needs to render the next step: set as `req.pingSignIn` on `GET` of the
 * sign-in path, for the app's own page there.
 */
export interface PingSignInState {
  /** Where the page's form posts: the sign-in path, with the mount path of `pingSession()`. */
  readonly action: string;
  /**
   * The step the person's flow is at; `undefined` when no flow is under way (ask for username and
   * password: the first post starts one).
   */
  readonly status: SignInStep | undefined;
  /** With `DEVICE_SELECTION_REQUIRED`: the devices to choose from (post `deviceId`). */
  readonly devices: readonly SignInDevice[] | undefined;
  /** The username PingOne identified, once it has. */
  readonly username: string | undefined;
  /** The error of the last post, from the `303` that followed it. */
  readonly error: SignInErrorCode | undefined;
  /** With `locked`: seconds until PingOne unlocks the account, when it said. */
  readonly retryAfterSeconds: number | undefined;
  /** Where the person goes once signed in (already checked to be safe): post it as `returnTo`. */
  readonly returnTo: string;
  /**
   * What a route's step-up asked (from `requireSession()`'s redirect): the person is signed in,
   * but must sign on again, maybe within `maxAgeSeconds` or with these `authenticators`.
   * `undefined` for an ordinary sign-in.
   */
  readonly reauthenticate:
    | { readonly maxAgeSeconds: number | undefined; readonly authenticators: readonly string[] }
    | undefined;
  /**
   * Every hidden field the page's forms must post: `returnTo`, and `max_age` / `prompt` for a
   * step-up. Render each as `<input type="hidden">`.
   */
  readonly hiddenFields: Readonly<Record<string, string>>;
}
