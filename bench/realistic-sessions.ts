/* Sessions for the in-process benches, shaped like PingOne's. */
import { startEmulator } from 'express-pingone-session/emulator';
import type { PingSession } from '../src/session';

/**
 * A session reader: each read is a fresh parse (as the client gets it) of one emulator session,
 * with an id of its own, like sessions of different users. `jsonBytes`: the size of one as JSON.
 */
export async function realisticSessions(): Promise<{
  read: () => Promise<PingSession>;
  jsonBytes: number;
}> {
  const emulator = await startEmulator();
  const template = JSON.stringify(emulator.createSession().session);
  await emulator.close();
  let n = 0;
  const read = async () => {
    n += 1;
    return JSON.parse(
      template.replace(/"id":"[0-9a-f-]{36}"/, `"id":"${String(n).padStart(36, '0')}"`),
    ) as PingSession;
  };
  return { read, jsonBytes: template.length };
}
