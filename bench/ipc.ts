/* Talking to the bench's child processes (servers and emulators) over their IPC channel. */
import type { ChildProcess } from 'node:child_process';
import type { Scenario } from './scenarios';

/**
 * Sends `{ type, ...extra }` (except for `ready`, which the child sends unasked) and resolves
 * with the child's first message of that type; rejects if the child exits first.
 */
export function ask<T>(proc: ChildProcess, type: string, extra: object = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      proc.off('message', onMessage);
      proc.off('exit', onExit);
      resolve(message as T);
    };
    const onExit = (code: number | null) => reject(new Error(`a bench process exited (${code})`));
    proc.on('message', onMessage);
    proc.once('exit', onExit);
    if (type !== 'ready') proc.send({ type, ...extra });
  });
}

/** New emulator sessions for the scenario's requests: none, one, or 10 000 to rotate through. */
export async function tokensFor(scenario: Scenario, emulator: ChildProcess): Promise<string[]> {
  const count =
    scenario.cookies === 'one-token' ? 1 : scenario.cookies === 'rotate-10000' ? 10_000 : 0;
  if (count === 0) return [];
  return (await ask<{ tokens: string[] }>(emulator, 'sessions', { count })).tokens;
}
