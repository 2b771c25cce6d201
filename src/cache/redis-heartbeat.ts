import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';

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
 * Pings `connection` (a PING is allowed in subscriber mode) and calls `onSilence` once a ping
 * goes unanswered for {@link SILENT_AFTER_MS}. Monotonic time, so a test's frozen `Date` cannot
 * fake silence. Returns the function that stops it.
 */
export function watchForSilence(connection: Redis, onSilence: () => void): () => void {
  let sentAt: number | undefined;
  const timer = setInterval(() => {
    if (connection.status !== 'ready') {
      sentAt = undefined;
      return;
    }
    if (sentAt !== undefined) {
      if (performance.now() - sentAt < SILENT_AFTER_MS) return;
      sentAt = undefined;
      onSilence();
      return;
    }
    const sent = performance.now();
    sentAt = sent;
    const answered = () => {
      if (sentAt === sent) sentAt = undefined;
    };
    connection.ping().then(answered, answered);
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}
