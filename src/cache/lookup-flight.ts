import { lookupChannel, type LookupMessage } from '../core/channels';
import type { PingSession } from '../core/session';
import { sessionEndsAt } from './lookup-lifetime';
import type { StoredLookup } from './session-store';

/** One lookup in progress; `forgotten` once its token is signed out meanwhile. */
export interface Flight {
  promise: Promise<PingSession | null>;
  forgotten: boolean;
  /**
   * An answer held was served instead of a read: `stale` when PingOne failed (`staleIfErrorMs`),
   * `deferred` when the read budget was spent; with when PingOne gave it.
   */
  served: { outcome: 'stale' | 'deferred'; checkedAt: number } | undefined;
}

export function publishHit(session: boolean): void {
  lookupChannel.publish({ outcome: 'hit', session, durationMs: 0 } satisfies LookupMessage);
}

/** A session held was served at once, past its fresh life, because the read budget was spent. */
export function publishDeferred(checkedAt: number): void {
  lookupChannel.publish({
    outcome: 'deferred',
    session: true,
    durationMs: 0,
    ageMs: Date.now() - checkedAt,
  } satisfies LookupMessage);
}

/** Publishes the lookup's outcome once the flight it is part of lands. */
export function publishWhenSettled(flight: Flight, outcome: 'miss' | 'coalesced'): void {
  const started = performance.now();
  const durationMs = () => performance.now() - started;
  flight.promise.then(
    (session) =>
      lookupChannel.publish({
        outcome: flight.served?.outcome ?? outcome,
        session: session !== null,
        durationMs: durationMs(),
        ...(flight.served && { ageMs: Date.now() - flight.served.checkedAt }),
      } satisfies LookupMessage),
    () =>
      lookupChannel.publish({
        outcome: 'error',
        session: false,
        durationMs: durationMs(),
      } satisfies LookupMessage),
  );
}

/**
 * How long memory keeps an entry: its fresh life, or longer when it may still be served past it
 * (PingOne down, the read budget spent), though never past the session's end.
 */
export function keepMs(entry: StoredLookup, freshMs: number, staleMs: number): number {
  if (staleMs === 0 || entry.session === null) return freshMs;
  const staleEnd = Math.min(entry.checkedAt + staleMs, sessionEndsAt(entry.session));
  return Math.max(freshMs, staleEnd - Date.now());
}

/**
 * Whether an entry past its fresh life may still be served: a session PingOne vouched for less
 * than `staleMs` ago, not ended, whose token was not signed out while the flight was on its way.
 */
export function isServableStale(entry: StoredLookup, staleMs: number, flight?: Flight): boolean {
  const now = Date.now();
  return (
    entry.session !== null &&
    flight?.forgotten !== true &&
    now - entry.checkedAt < staleMs &&
    now < sessionEndsAt(entry.session)
  );
}
