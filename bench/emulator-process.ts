/*
 * The PingOne emulator in a process of its own, so that it does not take CPU from the server
 * being measured. Driven by its parent over IPC.
 */
import { DEMO_USERS, startEmulator } from 'express-pingone-session/emulator';

const REAL_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';

async function main(): Promise<void> {
  const latency = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 0);
  const emulator = await startEmulator({
    faults: latency > 0 ? [{ latencyMs: latency }] : [],
  });
  process.on('message', (message: { type: string; count?: number }) => {
    if (message.type === 'sessions') {
      // Realistic sessions, as bench/realistic-session.ts describes them: a password and a
      // one-time code two hours ago, a desktop browser, a place, and a second location from
      // later activity.
      const ids: string[] = [];
      const tokens = Array.from({ length: message.count ?? 1 }, (_, i) => {
        const { token, session } = emulator.createSession({
          user: DEMO_USERS[i % DEMO_USERS.length]!.username,
          authenticators: ['pwd', 'otp'],
          signedOnAt: Date.now() - 7_200_000,
          userAgent: REAL_USER_AGENT,
        });
        emulator.touchSession(token);
        ids.push(session.id);
        return token;
      });
      process.send?.({ type: 'sessions', tokens, ids });
    } else if (message.type === 'counts') {
      process.send?.({ type: 'counts', counts: emulator.counts() });
      // The request log would otherwise grow with every call of a long run.
      emulator.requests.length = 0;
    }
  });
  process.send?.({
    type: 'ready',
    settings: emulator.options(),
  });
}

void main();
