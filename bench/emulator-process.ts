/*
 * The PingOne emulator in a process of its own, so that it does not take CPU from the server
 * being measured. Driven by its parent over IPC.
 */
import { startEmulator } from 'express-pingone-session/emulator';

async function main(): Promise<void> {
  const latency = Number(process.env.BENCH_UPSTREAM_LATENCY_MS ?? 0);
  const emulator = await startEmulator({
    faults: latency > 0 ? [{ latencyMs: latency }] : [],
  });
  process.on('message', (message: { type: string; count?: number }) => {
    if (message.type === 'sessions') {
      const tokens = Array.from(
        { length: message.count ?? 1 },
        () => emulator.createSession().token,
      );
      process.send?.({ type: 'sessions', tokens });
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
