import { ConfigError } from '../../core/errors';
import { checkOptionsObject, checkWholeNumber } from '../../config/validations';

/**
 * Bounds on what one address, or one username, may do through the redirectless sign-in route,
 * counted in the shared store when there is one (every instance sees one count), else in memory.
 * A refused post answers `429 too_many_attempts` with `Retry-After`, and PingOne is not called.
 * Addresses are `req.ip` (set Express's `trust proxy` behind a proxy; IPv6 by /56).
 */
export interface SignInLimitsOptions {
  /**
   * Sign-in flows one address may start in a window (each is an authorize call at PingOne and a
   * stored flow); a flow that completes gives its start back, so this bounds open flows.
   * Default: `60`.
   */
  startsPerAddress?: number;
  /**
   * Passwords and one-time codes one address may post in a window; a right one gives its
   * attempt back, so people who type well never meet it. Default: `30`.
   */
  guessesPerAddress?: number;
  /** The same per username, from whatever address: one try per account is still bounded. Default: `10`. */
  guessesPerUsername?: number;
  /** The window, in milliseconds. Default: `900000` (15 minutes). */
  windowMs?: number;
}

export interface ResolvedSignInLimits {
  startsPerAddress: number;
  guessesPerAddress: number;
  guessesPerUsername: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS_DEFAULTS: ResolvedSignInLimits = {
  startsPerAddress: 60,
  guessesPerAddress: 30,
  guessesPerUsername: 10,
  windowMs: 900_000,
};

const NAMES: readonly (keyof SignInLimitsOptions)[] = [
  'startsPerAddress',
  'guessesPerAddress',
  'guessesPerUsername',
  'windowMs',
];

export function resolveSignInLimits(value: unknown): ResolvedSignInLimits | false {
  const code = 'ERR_PINGONE_SIGN_IN';
  if (value === false) return false;
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new ConfigError(
      code,
      'signIn.limits must be an object of limits, or false for none (when the app limits ' +
        'sign-in attempts itself).',
    );
  }
  const given = checkOptionsObject(
    'signIn.limits',
    value as SignInLimitsOptions | undefined,
    NAMES,
    code,
  );
  const count = (name: keyof ResolvedSignInLimits, max: number, min = 1) =>
    checkWholeNumber(
      `signIn.limits.${name}`,
      given[name] ?? SIGN_IN_LIMITS_DEFAULTS[name],
      min,
      max,
      code,
    );
  return {
    startsPerAddress: count('startsPerAddress', 1_000_000),
    guessesPerAddress: count('guessesPerAddress', 1_000_000),
    guessesPerUsername: count('guessesPerUsername', 1_000_000),
    // Whole seconds: the counters keep their windows in seconds.
    windowMs: Math.round(count('windowMs', 86_400_000, 1000) / 1000) * 1000,
  };
}
