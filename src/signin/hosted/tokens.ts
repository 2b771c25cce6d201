import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { errorFromResponse, parseJson } from '../../client/http';
import type { ResilientSend } from '../../client/resilient-send';

/*
 * The tokens of a hosted sign-in, checked with jose against PingOne's published keys: the ID
 * token's signature (RS256), issuer, audience, expiry and nonce; and the session's ID, from the
 * ID token's `sid` or else the access token's (FLOWS.md §10: not every ID token is confirmed to
 * carry it).
 */

/** PingOne's signing keys change seldom: fetched once, and again on an unknown key ID. */
const KEYS_REFETCH_AFTER_MS = 5 * 60_000;

export interface TokenCheck {
  issuer: string;
  clientId: string;
  nonce: string;
}

/** Why a sign-in's tokens were refused: told to the operator, never the browser. */
export class TokenRefused extends Error {}

export interface VerifiedSignIn {
  /** The PingOne session the sign-in is part of. */
  sessionId: string;
  /** The ID token's `sub`: the user ID unless the application maps it to another attribute. */
  subject: string | undefined;
}

export function createTokenVerifier(
  send: ResilientSend,
  settings: { authPath: string; environmentId: string; timeoutMs: number },
) {
  const url = `${settings.authPath}/${settings.environmentId}/as/jwks`;
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = -Infinity;

  async function fetchKeys() {
    const response = await send({
      operation: 'GET as/jwks',
      method: 'GET',
      url,
      headers: { Accept: 'application/json' },
      timeoutMs: settings.timeoutMs,
      retry: 'idempotent',
      lane: 'signin',
    });
    if (response.status === 429 || response.status >= 500) {
      throw errorFromResponse('GET as/jwks', response);
    }
    const body = parseJson(response.body) as JSONWebKeySet | undefined;
    if (response.status !== 200 || !Array.isArray(body?.keys)) {
      throw new TokenRefused(`jwks answered ${response.status}`);
    }
    keys = createLocalJWKSet(body);
    fetchedAt = Date.now();
    return keys;
  }

  async function verify(token: string, check: Partial<TokenCheck>): Promise<JWTPayload> {
    const options = {
      issuer: check.issuer,
      ...(check.clientId !== undefined && { audience: check.clientId }),
      algorithms: ['RS256'],
    };
    // PingOne away while fetching its keys is an outage (a PingOneError), not a bad token.
    const known = keys ?? (await fetchKeys());
    try {
      return (await jwtVerify(token, known, options)).payload;
    } catch (error) {
      // A key PingOne rolled out since: fetch once more, not on every bad token.
      const unknownKey = (error as { code?: string }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknownKey || Date.now() - fetchedAt < KEYS_REFETCH_AFTER_MS) throw refusal(error);
      const fresh = await fetchKeys();
      try {
        return (await jwtVerify(token, fresh, options)).payload;
      } catch (again) {
        throw refusal(again);
      }
    }
  }

  return {
    /** The session and subject of a sign-in's token response, or a {@link TokenRefused}. */
    async verifySignIn(tokens: unknown, check: TokenCheck): Promise<VerifiedSignIn> {
      const { id_token: idToken, access_token: accessToken } = (tokens ?? {}) as {
        id_token?: unknown;
        access_token?: unknown;
      };
      if (typeof idToken !== 'string') throw new TokenRefused('no id_token');
      const claims = await verify(idToken, check);
      if (claims.nonce !== check.nonce) throw new TokenRefused('nonce mismatch');
      let sessionId = typeof claims.sid === 'string' ? claims.sid : undefined;
      if (sessionId === undefined && typeof accessToken === 'string') {
        const access = await verify(accessToken, { issuer: check.issuer });
        sessionId = typeof access.sid === 'string' ? access.sid : undefined;
      }
      if (sessionId === undefined) throw new TokenRefused('no sid');
      return { sessionId, subject: claims.sub };
    },
  };
}

function refusal(error: unknown): TokenRefused {
  if (error instanceof TokenRefused) return error;
  const code = (error as { code?: unknown }).code;
  return new TokenRefused(typeof code === 'string' ? code : 'invalid token');
}
