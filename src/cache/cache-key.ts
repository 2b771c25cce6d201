import { randomBytes } from 'node:crypto';
import { createHmacSha256 } from './hmac-sha256';

/**
 * Cache keys are an HMAC-SHA-256 of the token: a store's keys (and a Redis dump of them) cannot be
 * turned back into tokens or tested against guessed ones without the secret.
 */
export function createCacheKey(secret: string | undefined): (sessionToken: string) => string {
  const hmac = createHmacSha256(secret ?? randomBytes(32));
  return (sessionToken) => hmac.base64url(sessionToken);
}
