import type { Request, Response } from 'express';
import type { PingSessionLogger } from '../core/logger';
import { sendError } from './send-error';

/** Why a state-changing request was refused as possibly cross-site. */
export type OriginRefusal = 'cross_site' | 'no_origin';

export interface OriginPolicy {
  /** Other origins (`https://host[:port]`) whose pages may send the request. */
  allowedOrigins: ReadonlySet<string>;
  /** Whether a request with none of `Sec-Fetch-Site`, `Origin`, `Referer` (not a browser) may. */
  allowNoOrigin: boolean;
}

/**
 * Whether a request comes from this app's own pages (or an allowed origin), judged from what the
 * browser says: `Sec-Fetch-Site` when present (a page cannot forge it), else `Origin`, else
 * `Referer`. Returns the reason to refuse, or `undefined` to let it through.
 *
 * `Sec-Fetch-Site: same-origin` is enough on its own: with helmet's default
 * `Referrer-Policy: no-referrer` a browser sends no `Referer` and `Origin: null` even for the
 * app's own form posts, so those two cannot be required.
 */
export function refuseForeignOrigin(req: Request, policy: OriginPolicy): OriginRefusal | undefined {
  const fetchSite = req.get('sec-fetch-site');
  const origin = req.get('origin');
  const referer = req.get('referer');
  const claimed =
    origin !== undefined && origin !== 'null'
      ? origin
      : referer !== undefined
        ? originOf(referer)
        : undefined;

  if (fetchSite !== undefined) {
    if (fetchSite === 'same-origin') return undefined;
    return claimed !== undefined && policy.allowedOrigins.has(claimed) ? undefined : 'cross_site';
  }
  if (origin === undefined && referer === undefined) {
    return policy.allowNoOrigin ? undefined : 'no_origin';
  }
  if (claimed === undefined) return 'cross_site';
  return isOwnOrigin(req, claimed) || policy.allowedOrigins.has(claimed) ? undefined : 'cross_site';
}

/**
 * Refuses a state-changing request from another site, the same way on every route that takes
 * one: `403 cross_site_request`, before anything is done, and a warning with the reason.
 * Returns whether it answered.
 */
export function answerForeignOrigin(
  req: Request,
  res: Response,
  policy: OriginPolicy,
  logger: PingSessionLogger,
  route: { event: 'logout_refused' | 'signin_refused'; name: string },
): boolean {
  const reason = refuseForeignOrigin(req, policy);
  if (reason === undefined) return false;
  logger.warn(`${route.name} refused: the request did not come from this site.`, {
    event: route.event,
    reason,
  });
  sendError(res, 403, 'cross_site_request');
  return true;
}

function originOf(url: string): string | undefined {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The request's own origin is its `Host` with the scheme Express sees, or `https:`: behind a
 * TLS-terminating proxy without `trust proxy`, Express sees `http` where the browser saw `https`.
 */
function isOwnOrigin(req: Request, origin: string): boolean {
  const host = req.get('host');
  if (host === undefined) return false;
  return (
    origin === `${req.protocol}://${host.toLowerCase()}` ||
    origin === `https://${host.toLowerCase()}`
  );
}
