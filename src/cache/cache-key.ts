import { createHmac, randomBytes } from 'node:crypto';

/**
 * Cache keys are an HMAC-SHA-256 of the token: a store's keys (and a Redis dump of them) cannot be
 * turned back into tokens or tested against guessed ones without the secret.
 */
export function createCacheKey(secret: string | undefined): (sessionToken: string) => string {
  const key = secret ?? randomBytes(32);
  return (sessionToken) => createHmac('sha256', key).update(sessionToken).digest('base64url');
}
