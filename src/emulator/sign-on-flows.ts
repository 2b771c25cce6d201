import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { Accounts } from './accounts';
import { DEMO_USERS, type DemoDevice, type DemoUser } from './demo-users';
import { signIdToken } from './id-tokens';
import { pingOneErrors, type EmulatorAnswer } from './pingone-errors';
import type { SessionStore } from './session-store';

/*
 * PingOne's redirectless sign-on flow (`response_mode=pi.flow`) as its reference pages describe it
 * (../shared/pingone/FLOWS.md): authorize answers a flow object; the flow moves by POSTs whose
 * media type names the action; `ST` is set when the user is identified, with PingOne's attributes,
 * and every later call must carry it; resume answers `authorizeResponse.code`; the token endpoint
 * redeems the code. The media types are written out here rather than shared with the library, so
 * that a typo on one side shows up as a failing test instead of agreeing with itself.
 */

const MEDIA = {
  usernamePassword: 'application/vnd.pingidentity.usernamePassword.check+json',
  otp: 'application/vnd.pingidentity.otp.check+json',
  deviceSelect: 'application/vnd.pingidentity.device.select+json',
  passwordReset: 'application/vnd.pingidentity.password.reset+json',
  sessionReset: 'application/vnd.pingidentity.session.reset+json',
} as const;

/** Which actions each status allows, and the `_links` name PingOne gives each. */
const ACTIONS: Record<string, readonly (keyof typeof MEDIA)[]> = {
  USERNAME_PASSWORD_REQUIRED: ['usernamePassword', 'sessionReset'],
  PASSWORD_EXPIRED: ['passwordReset', 'sessionReset'],
  DEVICE_SELECTION_REQUIRED: ['deviceSelect', 'sessionReset'],
  OTP_REQUIRED: ['otp', 'sessionReset'],
  COMPLETED: [],
};
const LINK_NAMES: Record<keyof typeof MEDIA, string> = {
  usernamePassword: 'usernamePassword.check',
  otp: 'otp.check',
  deviceSelect: 'device.select',
  passwordReset: 'password.reset',
  sessionReset: 'session.reset',
};

/** PingOne: flows expire after 15 minutes of inactivity; an expired flow answers 404. */
export const FLOW_IDLE_TIMEOUT_MS = 15 * 60_000;
const CODE_LIFETIME_MS = 60_000;
/** PingOne's session token cookie lasts 30 days. */
const ST_MAX_AGE_SECONDS = 2_592_000;

interface Flow {
  id: string;
  status: string;
  clientId: string;
  redirectUri: string | undefined;
  scope: string;
  state: string | undefined;
  nonce: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  userAgent: string | undefined;
  remoteIp: string | undefined;
  user: DemoUser | undefined;
  sessionToken: string | undefined;
  /**
   * The session the browser came with, when the flow signs its user on again (`prompt=login`, or
   * its sign-on older than `max_age`): the same user keeps it, another user ends it.
   */
  existingToken: string | undefined;
  otp: string | undefined;
  authenticators: string[];
  createdAt: number;
  activeAt: number;
}

interface IssuedCode {
  flow: Flow;
  expiresAt: number;
}

export interface SignOnFlowsContext {
  environmentId: string;
  /** The emulator's origin: the auth host. */
  url: string;
  signInClientId: string;
  signInClientSecret: string;
  accounts: Accounts;
  sessions: SessionStore;
  now: () => number;
  /** Where one-time passwords are "sent": the emulator's console. */
  log: (line: string) => void;
}

export interface FlowRequest {
  method: string;
  query: URLSearchParams;
  headers: { cookie?: string; 'content-type'?: string; 'user-agent'?: string };
  body: string;
  remoteIp: string | undefined;
}

export class SignOnFlows {
  private readonly flows = new Map<string, Flow>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly lastOtps = new Map<string, string>();
  /** Every OTP, code and token issued: secrets that must never leak. */
  readonly issued: string[] = [];

  constructor(private readonly ctx: SignOnFlowsContext) {}

  /** Forgets every flow, code and one-time password; what was issued stays listed as secret. */
  clear(): void {
    this.flows.clear();
    this.codes.clear();
    this.lastOtps.clear();
  }

  /** `GET|POST /{envID}/as/authorize` with `response_mode=pi.flow`. */
  authorize(request: FlowRequest): EmulatorAnswer {
    if (request.method !== 'GET' && request.method !== 'POST') {
      return pingOneErrors.methodNotAllowed();
    }
    const params = request.method === 'POST' ? new URLSearchParams(request.body) : request.query;
    const invalid = (target: string, message: string) =>
      pingOneErrors.invalidData(target, 'INVALID_VALUE', message);
    if (params.get('client_id') !== this.ctx.signInClientId) {
      return invalid('client_id', 'Unknown client_id.');
    }
    if (params.get('response_type') !== 'code') {
      return invalid('response_type', 'response_type must match the application: code.');
    }
    if (params.get('response_mode') !== 'pi.flow') {
      return invalid('response_mode', 'The emulator answers pi.flow only.');
    }
    const method = params.get('code_challenge_method') ?? undefined;
    if (method !== undefined && method !== 'S256' && method !== 'plain') {
      return invalid('code_challenge_method', 'code_challenge_method must be S256 or plain.');
    }
    const flow: Flow = {
      id: randomUUID(),
      status: 'USERNAME_PASSWORD_REQUIRED',
      clientId: this.ctx.signInClientId,
      redirectUri: params.get('redirect_uri') ?? undefined,
      scope: params.get('scope') ?? 'openid',
      state: params.get('state') ?? undefined,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge: params.get('code_challenge') ?? undefined,
      codeChallengeMethod: method,
      userAgent: request.headers['user-agent'],
      remoteIp: request.remoteIp,
      user: undefined,
      sessionToken: undefined,
      existingToken: undefined,
      otp: undefined,
      authenticators: [],
      createdAt: this.ctx.now(),
      activeAt: this.ctx.now(),
    };
    this.flows.set(flow.id, flow);
    this.continueSession(flow, params, request.headers.cookie);
    return { status: 200, body: this.describe(flow) };
  }

  /**
   * A browser that already has a session (its `ST` sent to authorize) is signed on without a
   * prompt, unless `prompt=login` or a `max_age` older than its last sign-on asks for one again.
   */
  private continueSession(flow: Flow, params: URLSearchParams, cookie: string | undefined): void {
    const token = readSessionCookie(cookie);
    const session = token === undefined ? undefined : this.ctx.sessions.find(token);
    const user = DEMO_USERS.find((demo) => demo.id === session?.user.id);
    if (token === undefined || session === undefined || user === undefined) return;
    const maxAge = Number(params.get('max_age') ?? Infinity);
    const signedOnAt = Date.parse(session.lastSignOn?.at ?? session.createdAt);
    const again = params.get('prompt') === 'login' || this.ctx.now() - signedOnAt > maxAge * 1000;
    flow.sessionToken = token;
    if (again) {
      flow.existingToken = token;
      return;
    }
    flow.user = user;
    flow.authenticators = [...(session.lastSignOn?.authenticators ?? ['pwd'])];
    flow.status = 'COMPLETED';
  }

  /** `GET|POST /{envID}/flows/{flowID}`. */
  flow(flowId: string, request: FlowRequest): EmulatorAnswer {
    const flow = this.find(flowId);
    if (flow === undefined) return pingOneErrors.notFound();
    const cookieProblem = this.checkSessionCookie(flow, request.headers.cookie);
    if (cookieProblem) return cookieProblem;
    flow.activeAt = this.ctx.now();
    if (request.method === 'GET') return { status: 200, body: this.describe(flow) };
    if (request.method !== 'POST') return pingOneErrors.methodNotAllowed();

    const contentType = request.headers['content-type']?.split(';')[0]?.trim();
    const action = (Object.keys(MEDIA) as (keyof typeof MEDIA)[]).find(
      (name) => MEDIA[name] === contentType,
    );
    if (action === undefined) return pingOneErrors.unsupportedMediaType();
    if (!ACTIONS[flow.status]?.includes(action)) {
      return pingOneErrors.invalidRequest(
        `${LINK_NAMES[action]} is not allowed in ${flow.status}.`,
      );
    }
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(request.body || '{}');
      body =
        typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    } catch {
      return pingOneErrors.invalidData('body', 'INVALID_VALUE', 'The body is not JSON.');
    }
    switch (action) {
      case 'usernamePassword':
        return this.checkPassword(flow, body);
      case 'passwordReset':
        return this.resetPassword(flow, body);
      case 'deviceSelect':
        return this.selectDevice(flow, body);
      case 'otp':
        return this.checkOtp(flow, body);
      case 'sessionReset':
        if (flow.existingToken !== undefined) {
          this.ctx.sessions.reset(flow.existingToken);
          flow.existingToken = undefined;
        }
        flow.status = 'USERNAME_PASSWORD_REQUIRED';
        flow.user = undefined;
        flow.authenticators = [];
        return { status: 200, body: this.describe(flow) };
    }
  }

  /** `GET /{envID}/as/resume?flowId=`: the authorization code of a completed flow, as JSON. */
  resume(request: FlowRequest): EmulatorAnswer {
    if (request.method !== 'GET') return pingOneErrors.methodNotAllowed();
    const flow = this.find(request.query.get('flowId') ?? '');
    if (flow === undefined) return pingOneErrors.notFound();
    const cookieProblem = this.checkSessionCookie(flow, request.headers.cookie);
    if (cookieProblem) return cookieProblem;
    if (flow.status !== 'COMPLETED' || flow.sessionToken === undefined) {
      return pingOneErrors.invalidRequest('The flow is not completed.');
    }
    this.flows.delete(flow.id);
    const code = randomBytes(24).toString('base64url');
    this.issued.push(code);
    this.codes.set(code, { flow, expiresAt: this.ctx.now() + CODE_LIFETIME_MS });
    const authorizeResponse: Record<string, string> = { code };
    if (flow.state !== undefined) authorizeResponse.state = flow.state;
    return { status: 200, body: { id: flow.id, authorizeResponse } };
  }

  /** `POST /{envID}/as/token` with `grant_type=authorization_code`, for the sign-in client. */
  redeemCode(form: URLSearchParams, client: { id: string; secret: string | undefined }) {
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
    const idToken = signIdToken({
      iss: `${this.ctx.url}/${this.ctx.environmentId}/as`,
      sub: flow.user?.id,
      aud: flow.clientId,
      iat: now,
      exp: now + 3600,
      auth_time: now,
      nonce: flow.nonce,
      sid: session?.id,
      amr: flow.authenticators,
      env: this.ctx.environmentId,
    });
    const accessToken = randomBytes(24).toString('base64url');
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

  /** The last one-time password sent to this user, for tests. */
  lastOtp(username: string): string | undefined {
    return this.lastOtps.get(username);
  }

  private checkPassword(flow: Flow, body: Record<string, unknown>): EmulatorAnswer {
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string') {
      return pingOneErrors.invalidData(
        'password',
        'REQUIRED_VALUE',
        'username and password are required.',
      );
    }
    const check = this.ctx.accounts.checkPassword(username, password);
    if (!check.ok) {
      return check.secondsUntilUnlock === undefined
        ? pingOneErrors.invalidData(
            'password',
            'INVALID_CREDENTIALS',
            'Invalid username or password.',
          )
        : pingOneErrors.invalidData(
            'password',
            'PASSWORD_LOCKED_OUT',
            'Too many failed attempts: the account is locked.',
            { secondsUntilUnlock: check.secondsUntilUnlock },
          );
    }
    flow.user = check.user;
    flow.authenticators = ['pwd'];
    if (flow.existingToken !== undefined) {
      const existing = this.ctx.sessions.find(flow.existingToken);
      // The same user signing on again keeps the session (and its ST); anyone else ends it.
      if (existing?.user.id === check.user.id) return this.advance(flow, check.passwordExpired);
      this.ctx.sessions.reset(flow.existingToken);
      flow.existingToken = undefined;
    }
    // The identifying call: PingOne sets ST here, with exactly these attributes (FLOWS.md §2.5).
    const { token } = this.ctx.sessions.create({
      user: check.user.id,
      userAgent: flow.userAgent,
      remoteIp: flow.remoteIp,
      pending: true,
    });
    flow.sessionToken = token;
    const expires = new Date(this.ctx.now() + ST_MAX_AGE_SECONDS * 1000).toUTCString();
    const answer = this.advance(flow, check.passwordExpired);
    answer.headers = {
      'Set-Cookie':
        `ST=${token}; Path=/${this.ctx.environmentId}; Max-Age=${ST_MAX_AGE_SECONDS}; ` +
        `Expires=${expires}; Secure; HttpOnly; SameSite=None`,
    };
    return answer;
  }

  private resetPassword(flow: Flow, body: Record<string, unknown>): EmulatorAnswer {
    const { currentPassword, newPassword } = body;
    if (typeof currentPassword !== 'string' || typeof newPassword !== 'string') {
      return pingOneErrors.invalidData(
        'newPassword',
        'REQUIRED_VALUE',
        'currentPassword and newPassword are required.',
      );
    }
    const refused = this.ctx.accounts.changePassword(
      flow.user!.username,
      currentPassword,
      newPassword,
    );
    if (refused !== undefined)
      return pingOneErrors.invalidData('newPassword', 'INVALID_VALUE', refused);
    return this.advance(flow, false);
  }

  private selectDevice(flow: Flow, body: Record<string, unknown>): EmulatorAnswer {
    const id = (body.device as { id?: unknown } | undefined)?.id;
    const device = flow.user!.devices.find((each) => each.id === id);
    if (device === undefined) {
      return pingOneErrors.invalidData('device.id', 'INVALID_VALUE', 'No such device.');
    }
    this.sendOtp(flow, device);
    return { status: 200, body: this.describe(flow) };
  }

  private checkOtp(flow: Flow, body: Record<string, unknown>): EmulatorAnswer {
    if (typeof body.otp !== 'string' || body.otp !== flow.otp) {
      return pingOneErrors.invalidData('otp', 'INVALID_OTP', 'The one-time password is wrong.');
    }
    flow.authenticators = [...flow.authenticators, 'otp', 'mfa'];
    return this.complete(flow);
  }

  /** After the password (or a new one): an expired password, then MFA, then done. */
  private advance(flow: Flow, passwordExpired: boolean): EmulatorAnswer {
    const devices = flow.user!.devices;
    if (passwordExpired) flow.status = 'PASSWORD_EXPIRED';
    else if (devices.length > 1) flow.status = 'DEVICE_SELECTION_REQUIRED';
    else if (devices.length === 1) this.sendOtp(flow, devices[0]!);
    else return this.complete(flow);
    return { status: 200, body: this.describe(flow) };
  }

  private complete(flow: Flow): EmulatorAnswer {
    flow.status = 'COMPLETED';
    if (flow.existingToken === flow.sessionToken) {
      this.ctx.sessions.signOnAgain(flow.sessionToken!, flow.authenticators, flow.remoteIp);
    } else {
      this.ctx.sessions.complete(flow.sessionToken!, flow.authenticators);
    }
    return { status: 200, body: this.describe(flow) };
  }

  private sendOtp(flow: Flow, device: DemoDevice): void {
    const otp = String(randomInt(0, 100_000_000)).padStart(8, '0');
    flow.otp = otp;
    flow.status = 'OTP_REQUIRED';
    this.issued.push(otp);
    this.lastOtps.set(flow.user!.username, otp);
    this.ctx.log(`One-time password for ${flow.user!.username} (${device.type}): ${otp}`);
  }

  private find(flowId: string): Flow | undefined {
    const flow = this.flows.get(flowId);
    if (flow === undefined) return undefined;
    if (this.ctx.now() - flow.activeAt >= FLOW_IDLE_TIMEOUT_MS) {
      this.flows.delete(flowId);
      return undefined;
    }
    return flow;
  }

  /** Once the user is identified, every call of the flow must carry the session's current ST. */
  private checkSessionCookie(flow: Flow, cookie: string | undefined): EmulatorAnswer | undefined {
    if (flow.sessionToken === undefined) return undefined;
    return readSessionCookie(cookie) === flow.sessionToken
      ? undefined
      : pingOneErrors.invalidRequest("The session token cookie is missing or not this flow's.");
  }

  private describe(flow: Flow) {
    const base = `${this.ctx.url}/${this.ctx.environmentId}`;
    const self = { href: `${base}/flows/${flow.id}` };
    const links: Record<string, { href: string }> = { self };
    for (const action of ACTIONS[flow.status] ?? []) links[LINK_NAMES[action]] = self;
    const embedded: Record<string, unknown> = {};
    if (flow.user) embedded.user = { id: flow.user.id, username: flow.user.username };
    if (flow.status === 'DEVICE_SELECTION_REQUIRED') {
      embedded.devices = flow.user!.devices.map((device) => ({ ...device }));
    }
    return {
      _links: links,
      _embedded: embedded,
      id: flow.id,
      environment: { id: this.ctx.environmentId },
      resumeUrl: `${base}/as/resume?flowId=${flow.id}`,
      status: flow.status,
      createdAt: new Date(flow.createdAt).toISOString(),
      expiresAt: new Date(flow.activeAt + FLOW_IDLE_TIMEOUT_MS).toISOString(),
    };
  }
}

function readSessionCookie(cookie: string | undefined): string | undefined {
  return /(?:^|;\s*)ST=([^;]*)/.exec(cookie ?? '')?.[1];
}

function pkceMatches(flow: Flow, verifier: string | null): boolean {
  if (verifier === null) return false;
  const derived =
    flow.codeChallengeMethod === 'plain'
      ? verifier
      : createHash('sha256').update(verifier).digest('base64url');
  return derived === flow.codeChallenge;
}
