import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import {
  isAttemptStore,
  memoryAttemptCounter,
  type AttemptCounter,
  type AttemptLimit,
} from '../../cache/attempt-counter';
import type { PingSessionLogger } from '../../core/logger';
import type { ResolvedSignInLimits } from './limit-options';

/** What a limited post is told: how long to wait. */
export interface Refused {
  retryAfterMs: number;
}

/**
 * The sign-in route's counts, per address and per username: starts of flows, and guesses
 * (passwords, one-time codes). Each `take…` counts before PingOne is called, so posts sent at
 * once count too; what turned out fine is given back.
 */
export interface SignInLimits {
  takeStart(address: string): Promise<Refused | undefined>;
  /** A flow this address started completed: its start no longer holds a flow. */
  giveBackStart(address: string): Promise<void>;
  takeGuess(address: string, username: string | undefined): Promise<Refused | undefined>;
  /** The guess was right (or never judged): it does not count. */
  giveBackGuess(address: string, username: string | undefined): Promise<void>;
}

/** Refusals logged once per kind and address (or username) for each window. */
const TOLD_MAX = 10_000;

export function createSignInLimits(
  limits: ResolvedSignInLimits | false,
  store: object | undefined,
  timeoutMs: number,
  logger: PingSessionLogger,
): SignInLimits | undefined {
  if (limits === false) return undefined;
  const counter = (name: string, limit: number): AttemptCounter => {
    const settings: AttemptLimit = { name, limit, windowMs: limits.windowMs };
    return isAttemptStore(store)
      ? store.attemptCounter(settings, timeoutMs)
      : memoryAttemptCounter(settings);
  };
  const starts = counter('signin-start', limits.startsPerAddress);
  const byAddress = counter('signin-guess', limits.guessesPerAddress);
  const byUsername = counter('signin-guess-user', limits.guessesPerUsername);
  const told = new LRUCache<string, true>({ max: TOLD_MAX, ttl: limits.windowMs });

  const refused = (kind: string, who: string, waitMs: number, client: string): Refused => {
    if (!told.has(`${kind} ${who}`)) {
      told.set(`${kind} ${who}`, true);
      logger.warn('Sign-in attempts refused for now: a limit of signIn.limits was reached.', {
        event: 'signin_limited',
        limit: kind,
        client,
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      });
    }
    return { retryAfterMs: waitMs };
  };

  return {
    async takeStart(address) {
      const wait = await starts.take(address);
      return wait > 0 ? refused('startsPerAddress', address, wait, address) : undefined;
    },
    giveBackStart: (address) => starts.giveBack(address),
    async takeGuess(address, username) {
      const wait = await byAddress.take(address);
      if (wait > 0) return refused('guessesPerAddress', address, wait, address);
      if (username === undefined) return undefined;
      const user = usernameKey(username);
      const userWait = await byUsername.take(user);
      if (userWait === 0) return undefined;
      await byAddress.giveBack(address);
      return refused('guessesPerUsername', user, userWait, address);
    },
    async giveBackGuess(address, username) {
      await Promise.all([
        byAddress.giveBack(address),
        username === undefined ? undefined : byUsername.giveBack(usernameKey(username)),
      ]);
    },
  };
}

/**
 * A username as counted: case and surrounding space folded as PingOne matches them, and hashed,
 * so that neither a store's keys nor the logs hold it.
 */
function usernameKey(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase()).digest('base64url');
}
