/* Talking to the bench's child processes (servers and emulators) over their IPC channel. */
import type { ChildProcess } from 'node:child_process';
import { createHostedCookies } from '../src/signin/hosted/cookies';
import { HOSTED_SIGN_IN, type Scenario } from './scenarios';

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

/**
 * The `Cookie` header values of the scenario's requests, for new emulator sessions: none, one,
 * or 10 000 to rotate through; PingOne's `ST`, or hosted mode's sealed cookie naming the session.
 */
export async function cookiesFor(scenario: Scenario, emulator: ChildProcess): Promise<string[]> {
  const count =
    scenario.cookies === 'one-token' || scenario.cookies === 'hosted-one'
      ? 1
      : scenario.cookies === 'rotate-10000'
        ? 10_000
        : 0;
  if (count === 0) return [];
  const { tokens, ids } = await ask<{ tokens: string[]; ids: string[] }>(emulator, 'sessions', {
    count,
  });
  if (scenario.cookies !== 'hosted-one') return tokens.map((token) => `ST=${token}`);
  const cookies = createHostedCookies({
    ...HOSTED_SIGN_IN,
    callbackPath: '/auth/callback',
    secure: false,
    postLogoutRedirectUri: undefined,
    cookieSecrets: [HOSTED_SIGN_IN.cookieSecret],
    stepUpAcrValues: undefined,
  });
  return ids.map((id) => `${cookies.sessionName}=${cookies.sealSession(id)}`);
}
