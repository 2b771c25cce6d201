/** What an ID token must say for the sign-in it ends. */
export interface ExpectedIdToken {
  issuer: string;
  clientId: string;
  nonce: string;
  now: number;
}

/** Who and which session an ID token names. */
export interface IdTokenClaims {
  /** The subject: the user ID, unless the application maps `sub` to another attribute. */
  sub: string;
  /** The PingOne session's ID, when the token carries it. */
  sid: string | undefined;
}

/**
 * The subject and session of an ID token that this server just received from PingOne's token
 * endpoint, or `undefined` when its claims do not fit this sign-in. The signature is not checked: the token
 * came over TLS straight from the issuer, which OpenID Connect Core 3.1.3.7 accepts in its stead;
 * the claims tie it to this flow (`nonce`), this application (`aud`) and this environment (`iss`).
 */
export function idTokenClaims(
  idToken: unknown,
  expected: ExpectedIdToken,
): IdTokenClaims | undefined {
  if (typeof idToken !== 'string') return undefined;
  const payload = idToken.split('.')[1];
  if (payload === undefined) return undefined;
  let claims: Record<string, unknown>;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
  } catch {
    return undefined;
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const fits =
    claims.iss === expected.issuer &&
    audiences.includes(expected.clientId) &&
    claims.nonce === expected.nonce &&
    (typeof claims.exp !== 'number' || claims.exp * 1000 > expected.now) &&
    typeof claims.sub === 'string';
  if (!fits) return undefined;
  return {
    sub: claims.sub as string,
    sid: typeof claims.sid === 'string' ? claims.sid : undefined,
  };
}
