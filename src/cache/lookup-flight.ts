import { lookupChannel, type LookupMessage } from '../core/channels';
import type { PingSession } from '../core/session';
import { sessionEndsAt } from './lookup-lifetime';
import type { StoredLookup } from './session-store';

/** One lookup in progress; `forgotten` once its token is signed out meanwhile. */
export interface Flight {
  promise: Promise<PingSession | null>;
  forgotten: boolean;
  /** PingOne failed and a recent session was served instead (`staleIfErrorMs`). */
  servedStale: boolean;
}

export function publishHit(session: boolean): void {
  lookupChannel.publish({ outcome: 'hit', session, durationMs: 0 } satisfies LookupMessage);
}

/** Publishes the lookup's outcome once the flight it is part of lands. */
export function publishWhenSettled(flight: Flight, outcome: 'miss' | 'coalesced'): void {
  const started = performance.now();
  const durationMs = () => performance.now() - started;
  flight.promise.then(
    (session) =>
      lookupChannel.publish({
        outcome: flight.servedStale ? 'stale' : outcome,
        session: session !== null,
        durationMs: durationMs(),
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
 * How long memory keeps an entry: its fresh life, or longer when it may still be served while
 * PingOne is down, though never past the session's end.
 */
export function keepMs(entry: StoredLookup, freshMs: number, staleIfErrorMs: number): number {
  if (staleIfErrorMs === 0 || entry.session === null) return freshMs;
  const staleEnd = Math.min(entry.checkedAt + staleIfErrorMs, sessionEndsAt(entry.session));
  return Math.max(freshMs, staleEnd - Date.now());
}

export function isServableWhenDown(
  entry: StoredLookup,
  staleIfErrorMs: number,
  flight: Flight,
): boolean {
  const now = Date.now();
  return (
    entry.session !== null &&
    !flight.forgotten &&
    now - entry.checkedAt < staleIfErrorMs &&
    now < sessionEndsAt(entry.session)
  );
}
