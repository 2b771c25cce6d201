import { createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** One RSA key for every emulator in the process, made when the first token is signed. */
let signingKey: KeyObject | undefined;
const KEY_ID = 'emulator';

function key(): KeyObject {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return signingKey;
}

/** A token as PingOne issues its ID and access tokens: a JWT signed with RS256. */
export function signJwt(claims: Record<string, unknown>): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key()).toString('base64url')}`;
}

/** `GET /{envID}/as/jwks`: the public key the tokens are signed with. */
export function jwks(): { keys: object[] } {
  const publicJwk = createPublicKey(key()).export({ format: 'jwk' });
  return { keys: [{ ...publicJwk, kid: KEY_ID, alg: 'RS256', use: 'sig' }] };
}
