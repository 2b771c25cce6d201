import { performance } from 'node:perf_hooks';

/** How often the pub/sub connection is asked whether Redis still answers. */
export const HEARTBEAT_MS = 250;
/**
 * An unanswered ping this old means Redis is frozen, not down (SIGSTOP, a VM pause, a failover
 * or partition without RST): the socket stays open, no `close` comes, and without asking, a
 * silent connection would count as hearing other instances' sign-outs for as long as it lasts.
 * With the ping's own wait for its tick, silence is noticed within about a second.
 */
export const SILENT_AFTER_MS = 750;

/**
 * Asks `probe` (a PING, allowed in subscriber mode) while `connection` is ready, and calls `onSilence` once one goes unanswered for {@link SILENT_AFTER_MS}. Monotonic
 * time, so a test's frozen `Date` cannot fake silence. Returns the function that stops it.
 */
export function watchForSilence(
  probe: () => Promise<unknown>,
  connection: { status: () => string },
  onSilence: () => void,
): () => void {
  /** When the probe under way was sent. */
  let sentAt: number | undefined;
  /** Since when the connection is not ready. */
  let downSince: number | undefined;
  const timer = setInterval(() => {
    const now = performance.now();
    // A connection that is not ready answers nothing: silent as long, then said so (a cluster
    // node's connection can end without the listening ever having been told).
    if (connection.status() !== 'ready') {
      sentAt = undefined;
      downSince ??= now;
      if (now - downSince < SILENT_AFTER_MS) return;
      downSince = now;
      onSilence();
      return;
    }
    downSince = undefined;
    if (sentAt !== undefined) {
      if (now - sentAt < SILENT_AFTER_MS) return;
      sentAt = undefined;
      onSilence();
      return;
    }
    sentAt = now;
    const answered = () => {
      if (sentAt === now) sentAt = undefined;
    };
    // A probe that fails is no answer: it ages into silence like one never answered.
    probe().then(answered, () => {});
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}
