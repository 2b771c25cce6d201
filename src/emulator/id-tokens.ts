import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** One RSA key for every emulator in the process, made when the first ID token is signed. */
let signingKey: KeyObject | undefined;

/** An ID token as PingOne issues one: a JWT signed with RS256. */
export function signIdToken(claims: Record<string, unknown>): string {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'emulator' })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), signingKey).toString('base64url')}`;
}
