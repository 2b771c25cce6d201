import type { CookieOptions } from 'express';
import { createSealer, type Sealer } from '../../cache/sealed-values';
import type { ResolvedHostedSignIn } from './options';

/*
 * Hosted mode's two cookies, both sealed with AES-256-GCM under the cookie secrets (the first
 * seals, every one opens) and both `HttpOnly`, `SameSite=Lax`, `Path=/`, and `Secure` with the
 * `__Host-` prefix when the app is served over https:
 * - the session cookie names the PingOne session (its ID) and nothing more: no token;
 * - a transaction cookie per sign-in in progress holds its state, nonce, PKCE verifier and
 *   `returnTo`, for ten minutes; its name carries part of the state, so that sign-ins begun in
 *   two tabs do not overwrite each other, and only the browser that began a sign-in can finish it.
 */

/** A sign-in begun in this browser, between its start and PingOne's redirect back. */
export interface Transaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** A step-up's fields (`max_age`, `prompt`, `authenticators`), when it is one. */
  stepUp?: Record<string, string>;
  /** When it began, epoch ms. */
  at: number;
}

/** How long a browser may take on PingOne's page before the callback counts as expired. */
export const TRANSACTION_TTL_MS = 10 * 60_000;
const SESSION_PURPOSE = 'hosted session cookie';
const TRANSACTION_PURPOSE = 'hosted sign-in transaction';
/** Characters of the state in a transaction cookie's name. */
const STATE_TAG_LENGTH = 12;

export interface HostedCookies {
  readonly sessionName: string;
  /** The attributes the session cookie is set and cleared with. */
  attributes(expires?: Date): CookieOptions;
  sealSession(sessionId: string): string;
  /** The session ID a session cookie names, or `undefined` for a tampered or foreign one. */
  openSession(value: string): string | undefined;
  transactionName(state: string): string;
  sealTransaction(transaction: Transaction): string;
  /** The transaction of this state, if the cookie is one this app sealed for it, and fresh. */
  openTransaction(state: string, value: string | undefined, now: number): Transaction | undefined;
}

export function createHostedCookies(hosted: ResolvedHostedSignIn): HostedCookies {
  const prefix = hosted.secure ? '__Host-' : '';
  const sessionName = `${prefix}pingone_session`;
  const sessions = rotatingSealers(hosted.cookieSecrets, SESSION_PURPOSE);
  const transactions = rotatingSealers(hosted.cookieSecrets, TRANSACTION_PURPOSE);
  const transactionName = (state: string) =>
    `${prefix}pingone_signin_${state.slice(0, STATE_TAG_LENGTH)}`;
  return {
    sessionName,
    attributes: (expires) => ({
      httpOnly: true,
      sameSite: 'lax',
      secure: hosted.secure,
      path: '/',
      ...(expires !== undefined && { expires }),
    }),
    sealSession: (sessionId) => sessions[0]!.seal(sessionName, { sid: sessionId }),
    openSession(value) {
      const opened = openWithAny(sessions, sessionName, value) as { sid?: unknown } | undefined;
      return typeof opened?.sid === 'string' ? opened.sid : undefined;
    },
    transactionName,
    sealTransaction: (transaction) =>
      transactions[0]!.seal(transactionName(transaction.state), transaction),
    openTransaction(state, value, now) {
      if (value === undefined) return undefined;
      const opened = openWithAny(transactions, transactionName(state), value) as
        Transaction | undefined;
      if (opened?.state !== state || !(now - opened.at < TRANSACTION_TTL_MS)) return undefined;
      return opened;
    },
  };
}

function rotatingSealers(secrets: string[], purpose: string): Sealer[] {
  return secrets.map((secret) => createSealer(secret, purpose));
}

function openWithAny(sealers: Sealer[], name: string, value: string): unknown {
  for (const sealer of sealers) {
    const opened = sealer.open(name, value);
    if (opened !== undefined) return opened;
  }
  return undefined;
}
