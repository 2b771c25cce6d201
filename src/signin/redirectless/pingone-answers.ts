import { parseJson, type UpstreamResponse } from '../../client/http';
import type { PingOneErrorDetail } from '../../core/errors';
import type { FlowRecord, SignInDevice } from './flow-records';

/*
 * Reading PingOne's answers to the sign-on flow's calls: what the route keeps of a flow object,
 * the authorization code of resume, the code and details of an error. Unknown fields are
 * ignored and missing ones tolerated where FLOWS.md marks the format UNCONFIRMED.
 */

/** PingOne's flow IDs are UUIDs; anything else never goes into a URL path. */
const FLOW_ID = /^[A-Za-z0-9-]{1,128}$/;

/** A sign-in that cannot finish for a reason the operator must hear of, not the person. */
export class SignInFailure extends Error {
  constructor(
    readonly reason: string,
    readonly response?: UpstreamResponse,
  ) {
    super(reason);
  }
}

/** The parts of a flow object this route keeps. Unknown fields are ignored, as PingOne may add. */
export function readFlow(
  response: UpstreamResponse,
): Pick<FlowRecord, 'flowId' | 'status' | 'devices' | 'username' | 'completedWith'> {
  const flow = parseJson(response.body) as
    | {
        id?: unknown;
        status?: unknown;
        _embedded?: { devices?: unknown; user?: { username?: unknown } };
        authorizeResponse?: { code?: unknown; state?: unknown };
      }
    | undefined;
  if (typeof flow?.id !== 'string' || !FLOW_ID.test(flow.id) || typeof flow.status !== 'string') {
    throw failure('not_a_flow', response);
  }
  const username = flow._embedded?.user?.username;
  // A completed flow may carry its code already (REAL-TENANT.md M13): then no resume is needed.
  const { code, state } = flow.authorizeResponse ?? {};
  return {
    flowId: flow.id,
    status: flow.status,
    devices: readDevices(flow._embedded?.devices),
    username: typeof username === 'string' ? username : undefined,
    ...(flow.status === 'COMPLETED' &&
      typeof code === 'string' &&
      code !== '' && {
        completedWith: { code, ...(typeof state === 'string' && { state }) },
      }),
  };
}

/** Device IDs and display names only: PingOne's device objects say more than a browser needs. */
function readDevices(devices: unknown): SignInDevice[] | undefined {
  if (!Array.isArray(devices)) return undefined;
  return devices.flatMap((device: Record<string, unknown> | null) => {
    if (typeof device?.id !== 'string') return [];
    const named = [device.nickname, device.name].find((n) => typeof n === 'string' && n !== '');
    const reach = [device.phone, device.email].find((n) => typeof n === 'string' && n !== '');
    const type = typeof device.type === 'string' ? device.type : 'Device';
    return [{ id: device.id, name: String(named ?? (reach ? `${type} ${reach}` : type)) }];
  });
}

/**
 * The authorization code from resume: JSON `authorizeResponse.code` in redirectless mode, or the
 * `code` of a redirect's `Location` should PingOne redirect after all. A `state` PingOne echoes
 * must be this flow's.
 */
export function authorizationCode(response: UpstreamResponse, state: string): string {
  let code: unknown;
  let echoed: unknown;
  if (response.status === 200) {
    const body = parseJson(response.body) as
      { authorizeResponse?: { code?: unknown; state?: unknown } } | undefined;
    code = body?.authorizeResponse?.code;
    echoed = body?.authorizeResponse?.state;
  } else if (response.status >= 300 && response.status < 400) {
    const location = response.headers.location;
    try {
      const params = new URL(String(location)).searchParams;
      code = params.get('code') ?? undefined;
      echoed = params.get('state') ?? undefined;
    } catch {
      code = undefined;
    }
  }
  if (typeof code !== 'string' || code === '') throw failure('no_authorization_code', response);
  if (echoed !== undefined && echoed !== state) throw failure('state_mismatch');
  return code;
}

export function pingOneAnswer(
  response: UpstreamResponse,
): { code?: string; id?: string; details?: PingOneErrorDetail[] } | undefined {
  const body = parseJson(response.body) as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  return {
    code: typeof body.code === 'string' ? body.code : undefined,
    id: typeof body.id === 'string' ? body.id : undefined,
    details: Array.isArray(body.details) ? (body.details as PingOneErrorDetail[]) : undefined,
  };
}

export function failure(reason: string, response?: UpstreamResponse): SignInFailure {
  return new SignInFailure(reason, response);
}

/**
 * Whether an authorize answer is DaVinci's rather than a flow object: an HTML page (DaVinci
 * answers JSON only to its own SDK), or JSON with DaVinci's interaction fields (FLOWS.md §1.2).
 */
export function isDaVinciAnswer(response: UpstreamResponse): boolean {
  const type = String(response.headers['content-type'] ?? '');
  if (response.status === 200 && type.includes('text/html')) return true;
  const body = parseJson(response.body) as Record<string, unknown> | undefined;
  return typeof body === 'object' && body !== null && 'interactionId' in body;
}

/**
 * What a refused sign-in call says about the set-up: PingOne refusing to start a flow for the
 * client ID, or the token endpoint refusing the client's credentials (`invalid_client`, or a `401`
 * whatever the body). `undefined` for anything a person or a passing outage could cause.
 */
export function signInMisconfiguration(
  call: 'authorize' | 'redeem',
  response: UpstreamResponse,
): 'signin_client' | 'signin_credentials' | 'signin_policy' | undefined {
  if (response.status === 429 || response.status >= 500) return undefined;
  if (call === 'authorize' && isDaVinciAnswer(response)) return 'signin_policy';
  if (call === 'authorize') return response.status >= 400 ? 'signin_client' : undefined;
  const error = (parseJson(response.body) as { error?: unknown } | undefined)?.error;
  if (error === 'invalid_client' || response.status === 401) return 'signin_credentials';
  if (error === 'unauthorized_client') return 'signin_client';
  return undefined;
}
