import { ConfigError } from '../core/errors';
import {
  checkBoolean,
  checkCookieName,
  checkOptionsObject,
  checkReturnTo,
  checkSitePath,
} from '../config/validations';
import { resolveOriginPolicy } from '../http/origin-options';
import type { OriginPolicy } from '../http/request-origin';

/** Options of the logout route mounted by {@link pingSession}. */
export interface LogoutOptions {
  /** Path the route answers on (exact, case-sensitive, one trailing slash allowed). Default: `'/logout'`. */
  path?: string;
  /**
   * Where an HTML form post is sent after logout (`303`), unless the request names another safe
   * `returnTo` in its query. A path on this site. Default: `'/'`.
   */
  returnTo?: string;
  /**
   * More cookies to expire on logout, besides the session token cookie (for example the app's
   * own session cookie). They are cleared with `cookieDomain` and `cookiePath`. Default: `[]`.
   */
  clearCookies?: string[];
  /**
   * Other origins (`https://host[:port]`) whose pages may post to the logout route. The app's own
   * origin always may; any other cross-site post is refused with `403`. Default: `[]`.
   */
  allowedOrigins?: string[];
  /**
   * Let a logout through when the request has no `Sec-Fetch-Site`, `Origin` or `Referer` at all
   * (a script or server, not a browser page). Default: `false`.
   */
  allowNoOrigin?: boolean;
  /**
   * Origins besides this site's that a `returnTo` given with the logout request (query
   * `?returnTo=`) may send the browser to, for example another app of yours. Default: `[]`.
   */
  allowedReturnTo?: string[];
  /**
   * End every other session of the user too (each browser and device PingOne lists), before the
   * current one, on every logout. Without it, a request asks for this alone with the field
   * `everywhere=true` (form or JSON body) or the query `?everywhere=true`. Default: `false`.
   */
  everywhere?: boolean;
}

export interface ResolvedLogout extends OriginPolicy {
  path: string;
  returnTo: string;
  clearCookies: string[];
  allowedReturnTo: ReadonlySet<string>;
  everywhere: boolean;
}

export const LOGOUT_DEFAULTS = {
  path: '/logout',
  returnTo: '/',
  clearCookies: [] as string[],
  everywhere: false,
} as const;

const LOGOUT_OPTION_NAMES: readonly (keyof LogoutOptions)[] = [
  'path',
  'everywhere',
  'returnTo',
  'clearCookies',
  'allowedOrigins',
  'allowNoOrigin',
  'allowedReturnTo',
];

export function resolveLogout(logout: LogoutOptions | false | undefined): ResolvedLogout | false {
  if (logout === false) return false;
  const given = checkOptionsObject('logout', logout, LOGOUT_OPTION_NAMES, 'ERR_PINGONE_LOGOUT');
  const clearCookies = given.clearCookies ?? LOGOUT_DEFAULTS.clearCookies;
  if (!Array.isArray(clearCookies)) {
    throw new ConfigError('ERR_PINGONE_LOGOUT', 'logout.clearCookies must be an array of names.');
  }
  return {
    path: checkSitePath('logout.path', given.path ?? LOGOUT_DEFAULTS.path, 'ERR_PINGONE_LOGOUT'),
    returnTo: checkReturnTo(
      'logout.returnTo',
      given.returnTo ?? LOGOUT_DEFAULTS.returnTo,
      'ERR_PINGONE_LOGOUT',
    ),
    clearCookies: clearCookies.map((name, i) => checkCookieName(`logout.clearCookies[${i}]`, name)),
    everywhere: checkBoolean(
      'logout.everywhere',
      given.everywhere ?? LOGOUT_DEFAULTS.everywhere,
      'ERR_PINGONE_LOGOUT',
    ),
    ...resolveOriginPolicy('logout', given, 'ERR_PINGONE_LOGOUT'),
  };
}
