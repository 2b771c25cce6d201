import express, { type Express } from 'express';
import request from 'supertest';
import {
  pingSession,
  requireSession,
  type LogDetails,
  type PingSessionOptions,
  type SignInOptions,
} from '../../src';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator';
import { capturedOutput } from './captured-output';

export interface TestBed {
  emulator: Emulator;
  app: Express;
  /** Requests the emulator received for `sessions/me` (reads and resets), oldest first. */
  sessionCalls(): Emulator['requests'];
  /** What the middleware told its logger, oldest first (unless the test gave its own logger). */
  logs: { level: 'warn' | 'info'; message: string; details: LogDetails }[];
  /** Stops the emulator; calling it again does nothing. */
  close(): Promise<void>;
}

/** Signs out as the app's own page would: `POST /logout` with the token, from the same origin. */
export function signOut(app: Parameters<typeof request>[0], token: string) {
  return request(app)
    .post('/logout')
    .set('Sec-Fetch-Site', 'same-origin')
    .set('Cookie', `ST=${token}`);
}

/**
 * A plain HTML form post from one of the app's own pages, as a browser without JavaScript sends
 * it: same-origin, a navigation, form-encoded.
 */
export function postForm(
  agent: ReturnType<typeof request.agent>,
  path: string,
  fields: Record<string, string>,
) {
  return agent
    .post(path)
    .set('Sec-Fetch-Site', 'same-origin')
    .set('Sec-Fetch-Mode', 'navigate')
    .type('form')
    .send(fields);
}

/** The `signIn` options for the emulator's OIDC application, in redirectless mode. */
export function signInOptions(emulator: Emulator): SignInOptions {
  return {
    mode: 'redirectless',
    clientId: emulator.signInClientId,
    clientSecret: emulator.signInClientSecret,
  };
}

/**
 * A listening emulator and an app using `pingSession()` against it, with `GET /me` (the session or
 * `null`) and `GET /private` behind `requireSession()`.
 */
export async function startTestBed(
  options: {
    pingSession?: PingSessionOptions | ((emulator: Emulator) => PingSessionOptions);
    emulator?: EmulatorOptions;
  } = {},
): Promise<TestBed> {
  const emulator = await startEmulator(options.emulator);
  const given =
    typeof options.pingSession === 'function' ? options.pingSession(emulator) : options.pingSession;
  const logs: TestBed['logs'] = [];
  const log = (level: 'warn' | 'info') => (message: string, details: LogDetails) => {
    logs.push({ level, message, details });
    capturedOutput.push(`${message} ${JSON.stringify(details)}`);
  };
  const logger = { warn: log('warn'), info: log('info') };
  const app = express();
  app.use(pingSession({ ...emulator.options(), logger, ...given }));
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  app.get('/private', requireSession(), (req, res) => res.json({ user: req.pingSession?.user.id }));
  // The sign-in page: with signIn on, what it would render, as JSON.
  app.get('/signin', (req, res) => res.json({ ...req.pingSignIn, signedIn: !!req.pingSession }));
  return {
    emulator,
    app,
    sessionCalls: () => emulator.requests.filter((r) => r.url.endsWith('/sessions/me')),
    logs,
    close: once(() => emulator.close()),
  };
}

/** `fn` the first time, the same promise after: suites close their bed after every test. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= fn());
}
