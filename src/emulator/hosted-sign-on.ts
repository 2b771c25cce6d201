import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { isLoopbackHostname } from '../http/loopback';
import type { AuthorizationCodes } from './authorization-codes';
import { DEMO_USERS } from './demo-users';
import { FLOW_IDLE_TIMEOUT_MS, ST_MAX_AGE_SECONDS, type Flow } from './flow-model';
import { renderHostedPage, renderMessagePage } from './hosted-page';
import type { SessionStore } from './session-store';
import type { SignOnSteps } from './sign-on-steps';

/*
 * PingOne's hosted sign-on (../shared/pingone/FLOWS.md §10): authorize is a browser redirect;
 * PingOne signs the person on on its own page, or at once when its own `ST` cookie (on its host,
 * `Path=/{envID}`) names a fresh session (single sign-on), and redirects to `redirect_uri` with a
 * code and the `state`. `prompt=login` and an exceeded `max_age` ask again in the same session.
 * Sign-off ends the session of the browser's `ST` and clears that cookie.
 */

export interface HostedContext {
  environmentId: string;
  signInClientId: string;
  sessions: SessionStore;
  codes: AuthorizationCodes;
  steps: SignOnSteps;
  now: () => number;
}

/** A request as the hosted pages read it. */
export interface HostedRequest {
  method: string;
  query: URLSearchParams;
  cookie: string | undefined;
  userAgent: string | undefined;
  remoteIp: string | undefined;
  /** A form post's fields. */
  form: URLSearchParams;
}

/** The ST cookie on the emulator's host. PingOne's is `Secure; SameSite=None`; on plain-http
 * localhost a browser keeps only a `Lax` one, which top-level navigations (authorize) carry. */
const stCookie = (environmentId: string, token: string) =>
  `ST=${token}; Path=/${environmentId}; Max-Age=${ST_MAX_AGE_SECONDS}; HttpOnly; SameSite=Lax`;

export class HostedSignOn {
  private readonly flows = new Map<string, Flow>();

  constructor(private readonly ctx: HostedContext) {}

  clear(): void {
    this.flows.clear();
  }

  /** `GET /{envID}/as/authorize` without `response_mode=pi.flow`. */
  authorize(req: HostedRequest, res: ServerResponse): void {
    const params = req.query;
    const redirectUri = params.get('redirect_uri') ?? '';
    // Errors about the client or the redirect URI are shown, never redirected (RFC 6749 4.1.2.1).
    if (params.get('client_id') !== this.ctx.signInClientId) {
      return page(res, 400, renderMessagePage('Unknown client', 'client_id names no application.'));
    }
    if (!isLocalUrl(redirectUri)) {
      return page(
        res,
        400,
        renderMessagePage(
          'Invalid redirect URI',
          'redirect_uri is not registered on the application.',
        ),
      );
    }
    const state = params.get('state') ?? undefined;
    if (params.get('response_type') !== 'code') {
      return redirect(res, withQuery(redirectUri, { error: 'unsupported_response_type', state }));
    }
    const flow = this.newFlow(req, redirectUri);
    const signedOn = this.continueSession(flow, req.cookie, params);
    if (signedOn) return this.finish(res, flow);
    if (params.get('prompt') === 'none') {
      return redirect(res, withQuery(redirectUri, { error: 'login_required', state }));
    }
    this.flows.set(flow.id, flow);
    redirect(res, `/${this.ctx.environmentId}/signon/hosted?flowId=${flow.id}`);
  }

  /** `GET|POST /{envID}/signon/hosted`: the sign-on page, one step at a time. */
  page(req: HostedRequest, res: ServerResponse): void {
    const flowId = (req.method === 'POST' ? req.form : req.query).get('flowId') ?? '';
    const flow = this.find(flowId);
    if (flow === undefined) {
      return page(res, 404, renderMessagePage('Sign-on expired', 'Start again from the app.'));
    }
    flow.activeAt = this.ctx.now();
    if (req.method === 'GET') return page(res, 200, renderHostedPage(this.ctx.environmentId, flow));
    if (req.form.has('cancel')) {
      this.flows.delete(flow.id);
      return redirect(
        res,
        withQuery(flow.redirectUri!, {
          error: 'access_denied',
          error_description: 'The user cancelled the sign-on.',
          state: flow.state,
        }),
      );
    }
    const result = this.step(flow, req.form);
    if (!result.ok) {
      const body = result.refused.body as { details?: { message?: string }[] };
      const message = body.details?.[0]?.message ?? 'That did not work.';
      return page(res, 200, renderHostedPage(this.ctx.environmentId, flow, message));
    }
    if (flow.status !== 'COMPLETED') {
      return page(res, 200, renderHostedPage(this.ctx.environmentId, flow));
    }
    this.flows.delete(flow.id);
    this.finish(res, flow);
  }

  /** `GET|POST /{envID}/as/signoff`: ends the browser's session and clears its `ST`. */
  signoff(req: HostedRequest, res: ServerResponse): void {
    const params = req.method === 'POST' ? req.form : req.query;
    const token = readSessionCookie(req.cookie);
    if (token !== undefined) this.ctx.sessions.reset(token);
    const clear = `ST=; Path=/${this.ctx.environmentId}; Max-Age=0; HttpOnly; SameSite=Lax`;
    const target = params.get('post_logout_redirect_uri');
    if (target !== null && isLocalUrl(target)) {
      const state = params.get('state') ?? undefined;
      return redirect(res, withQuery(target, { state }), clear);
    }
    page(res, 200, renderMessagePage('Signed off', 'You are signed off.'), clear);
  }

  private newFlow(req: HostedRequest, redirectUri: string): Flow {
    const params = req.query;
    const now = this.ctx.now();
    return {
      id: randomUUID(),
      status: 'USERNAME_PASSWORD_REQUIRED',
      clientId: this.ctx.signInClientId,
      redirectUri,
      scope: params.get('scope') ?? 'openid',
      state: params.get('state') ?? undefined,
      nonce: params.get('nonce') ?? undefined,
      codeChallenge: params.get('code_challenge') ?? undefined,
      codeChallengeMethod: params.get('code_challenge_method') ?? undefined,
      userAgent: req.userAgent,
      remoteIp: req.remoteIp,
      user: undefined,
      sessionToken: undefined,
      existingToken: undefined,
      otp: undefined,
      authenticators: [],
      createdAt: now,
      activeAt: now,
    };
  }

  /**
   * Single sign-on: a browser whose `ST` names a fresh session is signed on at once, unless
   * `prompt=login` or a `max_age` older than its last sign-on asks again in the same session.
   */
  private continueSession(flow: Flow, cookie: string | undefined, params: URLSearchParams) {
    const token = readSessionCookie(cookie);
    const session = token === undefined ? undefined : this.ctx.sessions.find(token);
    const user = DEMO_USERS.find((demo) => demo.id === session?.user.id);
    if (token === undefined || session === undefined || user === undefined) return false;
    const maxAge = Number(params.get('max_age') ?? Infinity);
    const signedOnAt = Date.parse(session.lastSignOn?.at ?? session.createdAt);
    flow.sessionToken = token;
    if (params.get('prompt') === 'login' || this.ctx.now() - signedOnAt > maxAge * 1000) {
      flow.existingToken = token;
      return false;
    }
    this.ctx.sessions.touch(token, flow.remoteIp);
    flow.user = user;
    flow.authenticators = [...(session.lastSignOn?.authenticators ?? ['pwd'])];
    flow.status = 'COMPLETED';
    return true;
  }

  private step(flow: Flow, form: URLSearchParams) {
    const steps = this.ctx.steps;
    const field = (name: string) => form.get(name) ?? undefined;
    switch (flow.status) {
      case 'PASSWORD_EXPIRED':
        return steps.resetPassword(flow, {
          currentPassword: field('currentPassword'),
          newPassword: field('newPassword'),
        });
      case 'DEVICE_SELECTION_REQUIRED':
        return steps.selectDevice(flow, { device: { id: field('deviceId') } });
      case 'OTP_REQUIRED':
        return steps.checkOtp(flow, { otp: field('otp') });
      default:
        return steps.checkPassword(flow, {
          username: field('username'),
          password: field('password'),
        });
    }
  }

  /** Back to the app with a code, and PingOne's `ST` on its own host for the next sign-on. */
  private finish(res: ServerResponse, flow: Flow): void {
    const code = this.ctx.codes.issue(flow);
    const target = withQuery(flow.redirectUri!, { code, state: flow.state });
    redirect(res, target, stCookie(this.ctx.environmentId, flow.sessionToken!));
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
}

export function readSessionCookie(cookie: string | undefined): string | undefined {
  return /(?:^|;\s*)ST=([^;]*)/.exec(cookie ?? '')?.[1] || undefined;
}

function withQuery(url: string, params: Record<string, string | undefined>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) target.searchParams.set(name, value);
  }
  return target.href;
}

function redirect(res: ServerResponse, location: string, cookie?: string): void {
  res.writeHead(302, {
    Location: location,
    'Cache-Control': 'no-store',
    ...(cookie !== undefined && { 'Set-Cookie': cookie }),
  });
  res.end();
}

function page(res: ServerResponse, status: number, html: string, cookie?: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(cookie !== undefined && { 'Set-Cookie': cookie }),
  });
  res.end(html);
}

/** The emulator takes any redirect URI on this machine as registered. */
export function isLocalUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname)
    );
  } catch {
    return false;
  }
}
