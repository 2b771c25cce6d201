import type { ConfigErrorCode } from '../core/errors';
import { checkBoolean, checkOrigins } from '../config/validations';
import type { OriginPolicy } from './request-origin';

/** The options of a route that takes posts from pages and sends the browser back somewhere. */
export interface OriginOptionsInput {
  allowedOrigins?: string[];
  allowNoOrigin?: boolean;
  allowedReturnTo?: string[];
}

/** Who may post to a route and where it may send the browser back to: logout and sign-in alike. */
export function resolveOriginPolicy(
  where: 'logout' | 'signIn',
  given: OriginOptionsInput,
  code: ConfigErrorCode,
): OriginPolicy & { allowedReturnTo: ReadonlySet<string> } {
  return {
    allowedOrigins: checkOrigins(`${where}.allowedOrigins`, given.allowedOrigins, code),
    allowNoOrigin: checkBoolean(`${where}.allowNoOrigin`, given.allowNoOrigin ?? false, code),
    allowedReturnTo: checkOrigins(`${where}.allowedReturnTo`, given.allowedReturnTo, code),
  };
}
