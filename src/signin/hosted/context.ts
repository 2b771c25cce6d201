import type { Request } from 'express';
import type { SessionCache } from '../../cache/session-cache';
import type { ResolvedClientOptions } from '../../client/options';
import type { ResilientSend } from '../../client/resilient-send';
import type { PingSessionLogger } from '../../core/logger';
import type { ResolvedSignIn } from '../options';
import type { HostedCookies } from './cookies';
import type { ResolvedHostedSignIn } from './options';
import type { createTokenVerifier } from './tokens';

export interface HostedParts {
  send: ResilientSend;
  sessions: SessionCache;
  cookies: HostedCookies;
  /** The request's session cookie, as sent: what a step-up replaces. */
  readCookie: (req: Request) => string | undefined;
}

/** What the hosted routes work with. */
export interface HostedRoute extends HostedParts {
  options: Pick<ResolvedClientOptions, 'authPath' | 'environmentId' | 'timeoutMs'> & {
    logger: PingSessionLogger;
  };
  signIn: ResolvedSignIn;
  hosted: ResolvedHostedSignIn;
  tokens: ReturnType<typeof createTokenVerifier>;
}
