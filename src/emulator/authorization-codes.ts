import { createHash, randomBytes } from 'node:crypto';
import type { Flow } from './flow-model';
import { signJwt } from './jwt';
import type { EmulatorAnswer } from './pingone-errors';
import type { SessionStore } from './session-store';

const CODE_LIFETIME_MS = 60_000;

interface IssuedCode {
  flow: Flow;
  expiresAt: number;
}

export interface AuthorizationCodesContext {
  environmentId: string;
  /** The emulator's origin: the auth host. */
  url: string;
  signInClientId: string;
  signInClientSecret: string;
  sessions: SessionStore;
  idTokenSubject: 'id' | 'username';
  now: () => number;
}

/** The codes a completed flow is redeemed with: single use, a minute long, PKCE-bound. */
export class AuthorizationCodes {
  private readonly codes = new Map<string, IssuedCode>();

  constructor(
    private readonly ctx: AuthorizationCodesContext,
    /** Every secret issued, for the redaction check. */
    private readonly issued: string[],
  ) {}

  clear(): void {
    this.codes.clear();
  }

  /** A new code for a completed flow. */
  issue(flow: Flow): string {
    const code = randomBytes(24).toString('base64url');
    this.issued.push(code);
    this.codes.set(code, { flow, expiresAt: this.ctx.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** `POST /{envID}/as/token` with `grant_type=authorization_code`, for the sign-in client. */
  redeem(
    form: URLSearchParams,
    client: { id: string; secret: string | undefined },
  ): EmulatorAnswer {
    const oauthError = (status: number, error: string, description: string): EmulatorAnswer => ({
      status,
      body: { error, error_description: description },
    });
    if (client.id !== this.ctx.signInClientId) {
      return oauthError(401, 'invalid_client', 'Request denied: unknown client.');
    }
    if (client.secret !== undefined && client.secret !== this.ctx.signInClientSecret) {
      return oauthError(401, 'invalid_client', 'Request denied: invalid client credentials.');
    }
    const issued = this.codes.get(form.get('code') ?? '');
    this.codes.delete(form.get('code') ?? '');
    if (issued === undefined || this.ctx.now() >= issued.expiresAt) {
      return oauthError(400, 'invalid_grant', 'The authorization code is invalid or expired.');
    }
    const { flow } = issued;
    if (flow.redirectUri !== undefined && form.get('redirect_uri') !== flow.redirectUri) {
      return oauthError(400, 'invalid_grant', 'redirect_uri does not match the authorize request.');
    }
    if (client.secret === undefined && flow.codeChallenge === undefined) {
      return oauthError(401, 'invalid_client', 'A public client must use PKCE.');
    }
    if (flow.codeChallenge !== undefined && !pkceMatches(flow, form.get('code_verifier'))) {
      return oauthError(400, 'invalid_grant', 'code_verifier does not match code_challenge.');
    }
    const now = Math.floor(this.ctx.now() / 1000);
    const session = this.ctx.sessions.find(flow.sessionToken ?? '');
    const idToken = signJwt({
      iss: `${this.ctx.url}/${this.ctx.environmentId}/as`,
      sub: this.ctx.idTokenSubject === 'username' ? flow.user?.username : flow.user?.id,
      aud: flow.clientId,
      iat: now,
      exp: now + 3600,
      auth_time: now,
      nonce: flow.nonce,
      sid: session?.id,
      amr: flow.authenticators,
      env: this.ctx.environmentId,
    });
    // PingOne's access tokens are JWTs too, and carry the session's ID (`sid`) as well.
    const accessToken = signJwt({
      iss: `${this.ctx.url}/${this.ctx.environmentId}/as`,
      sub: flow.user?.id,
      aud: [`${this.ctx.url}/v1`],
      client_id: flow.clientId,
      scope: flow.scope,
      iat: now,
      exp: now + 3600,
      sid: session?.id,
      env: this.ctx.environmentId,
    });
    this.issued.push(idToken, accessToken);
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: 3600,
        scope: flow.scope,
        id_token: idToken,
      },
    };
  }
}

function pkceMatches(flow: Flow, verifier: string | null): boolean {
  if (verifier === null) return false;
  const derived =
    flow.codeChallengeMethod === 'plain'
      ? verifier
      : createHash('sha256').update(verifier).digest('base64url');
  return derived === flow.codeChallenge;
}
