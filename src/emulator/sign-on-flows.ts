import { randomBytes, randomUUID } from 'node:crypto';
import type { Accounts } from './accounts';
import { AuthorizationCodes } from './authorization-codes';
import { HostedSignOn, readSessionCookie } from './hosted-sign-on';
import { DEMO_USERS } from './demo-users';
import { FLOW_IDLE_TIMEOUT_MS, type Flow } from './flow-model';
import { pingOneErrors, type EmulatorAnswer } from './pingone-errors';
import type { SessionStore } from './session-store';
import { SignOnSteps, type StepResult } from './sign-on-steps';

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
  refusals: 'documented' | 'alternative';
  signInPolicy: 'sign-on' | 'davinci';
  inlineCode: boolean;
  idTokenSubject: 'id' | 'username';
}

export interface FlowRequest {
  method: string;
  query: URLSearchParams;
  headers: {
    cookie?: string;
    'content-type'?: string;
    'user-agent'?: string;
    accept?: string;
    'x-requested-with'?: string;
  };
  body: string;
  remoteIp: string | undefined;
}

export class SignOnFlows {
  private readonly flows = new Map<string, Flow>();
  /** Every OTP, code and token issued: secrets that must never leak. */
  readonly issued: string[] = [];
  readonly codes: AuthorizationCodes;
  private readonly steps: SignOnSteps;
  /** The same sign-on, as a browser takes it on PingOne's own page. */
  readonly hosted: HostedSignOn;

  constructor(private readonly ctx: SignOnFlowsContext) {
    this.codes = new AuthorizationCodes(ctx, this.issued);
    this.steps = new SignOnSteps(ctx, this.issued);
    this.hosted = new HostedSignOn({ ...ctx, codes: this.codes, steps: this.steps });
  }

  /** Forgets every flow, code and one-time password; what was issued stays listed as secret. */
  clear(): void {
    this.flows.clear();
    this.codes.clear();
    this.steps.clear();
    this.hosted.clear();
  }

  /** The last one-time password sent to this user, for tests. */
  lastOtp(username: string): string | undefined {
    return this.steps.lastOtp(username);
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
    if (this.ctx.signInPolicy === 'davinci') return daVinciAnswer(request);
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
    if (flow.sessionToken !== undefined) return { status: 200, body: this.describe(flow) };
    // Reported of PingOne: cookies set at authorize already, under the authorize path, that the
    // flow's later calls must carry (a strict cookie jar would not send them to /flows).
    const anonymous = randomBytes(24).toString('base64url');
    flow.anonymousToken = anonymous;
    this.issued.push(anonymous);
    const path = `Path=/${this.ctx.environmentId}/as; Secure; HttpOnly`;
    return {
      status: 200,
      body: this.describe(flow),
      headers: {
        'Set-Cookie': [`ST=${anonymous}; ${path}; SameSite=None`, `ST-NO-SS=${anonymous}; ${path}`],
      },
    };
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
    // PingOne answers with its own media types; an Accept of application/json alone is reported
    // to draw 406 (REAL-TENANT.md M2).
    if (!admitsPingOneMedia(request.headers.accept)) return pingOneErrors.notAcceptable();
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
        return this.answer(flow, this.steps.checkPassword(flow, body));
      case 'passwordReset':
        return this.answer(flow, this.steps.resetPassword(flow, body));
      case 'deviceSelect':
        return this.answer(flow, this.steps.selectDevice(flow, body));
      case 'otp':
        return this.answer(flow, this.steps.checkOtp(flow, body));
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
    const code = this.codes.issue(flow);
    const authorizeResponse: Record<string, string> = { code };
    if (flow.state !== undefined) authorizeResponse.state = flow.state;
    return { status: 200, body: { id: flow.id, authorizeResponse } };
  }

  /** A step's answer in the flow API: the flow as it now stands, with `ST` when it was set. */
  private answer(flow: Flow, result: StepResult): EmulatorAnswer {
    if (!result.ok && result.inFlow !== undefined) {
      return { status: 200, body: { ...this.describe(flow), error: result.inFlow } };
    }
    if (!result.ok) return result.refused;
    const inline =
      this.ctx.inlineCode && flow.status === 'COMPLETED'
        ? { authorizeResponse: { code: this.codes.issue(flow) } }
        : {};
    return {
      status: 200,
      body: { ...this.describe(flow), ...inline },
      ...(result.setCookie !== undefined && { headers: { 'Set-Cookie': result.setCookie } }),
    };
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
    const expected = flow.sessionToken ?? flow.anonymousToken;
    if (expected === undefined) return undefined;
    return readSessionCookie(cookie) === expected ? undefined : pingOneErrors.invalidToken();
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

/** A DaVinci flow policy's answer to `pi.flow`: JSON of its own only for its SDK, else a page. */
function daVinciAnswer(request: FlowRequest): EmulatorAnswer {
  if (request.headers['x-requested-with'] === 'ping-sdk') {
    return {
      status: 200,
      body: { interactionId: randomUUID(), interactionToken: randomUUID(), eventName: 'start' },
    };
  }
  return {
    status: 200,
    body: '<!doctype html><html><body>DaVinci</body></html>',
    headers: { 'Content-Type': 'text/html; charset=utf-8' },
  };
}

function admitsPingOneMedia(accept: string | undefined): boolean {
  if (accept === undefined) return true;
  return /\*\/\*|application\/\*|vnd\.pingidentity/.test(accept);
}
