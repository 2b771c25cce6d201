// Compiled with `tsc --noEmit -p test/types` against the built package, as a user's code would be.
import express from 'express';
import {
  endSession,
  listSessions,
  type PingUser,
  type PingUserSession,
  ConfigError,
  PingOneError,
  pingSession,
  requireSession,
  withSession,
  type SignedInRequest,
  type PingSession,
  type PingSessionStatus,
  type PingSessionOptions,
  type PingSignInState,
  type SignInErrorCode,
} from 'express-pingone-session';
import { startEmulator } from 'express-pingone-session/emulator';
import { RedisStore } from 'express-pingone-session/redis';
import { sameOrigin, startEmulator as startTestEmulator } from 'express-pingone-session/testing';

const options: PingSessionOptions = {
  region: 'EU',
  accessToken: async () => 'token',
  onUpstreamError: 'fail-open',
  logout: { path: '/sign-out', clearCookies: ['sid'] },
};

const app = express();
app.use(pingSession(options));
app.get('/me', requireSession({ loginUrl: '/login' }), (req, res) => {
  const userId: string = req.pingSession!.user.id;
  const session: PingSession | undefined = req.pingSession;
  res.json({ userId, expiresAt: session?.expiresAt, browser: session?.browser?.name });
});
app.post(
  '/account/password',
  requireSession({ maxAuthAgeSeconds: 300, authenticators: ['otp'], check: (s) => !!s.user.id }),
  (_req, res) => res.end(),
);
app.get(
  '/orders/:orderId',
  // Express infers route parameters only for handlers written inline; a wrapper names them.
  withSession<{ orderId: string }>((req, res) => {
    const orderId: string = req.params.orderId;
    const userId: string = req.pingSession.user.id;
    // @ts-expect-error a typo in the session's fields is a type error
    res.json({ orderId, userId, typo: req.pingSession.usr });
  }),
);
async function changePassword(req: SignedInRequest, res: express.Response): Promise<void> {
  res.json({ signedOnAt: req.pingSession.lastSignOn?.at });
}
app.post('/password', withSession({ maxAuthAgeSeconds: 300 }, changePassword));
app.get('/', (req, res) => {
  const status: PingSessionStatus | undefined = req.pingSessionStatus;
  res.send(status === 'unavailable' ? 'We cannot check your sign-in right now.' : 'Hello');
});

app.use(pingSession({ signIn: { clientId: 'app', tokenEndpointAuthMethod: 'none' } }));
app.get('/signin', (req, res) => {
  const state: PingSignInState | undefined = req.pingSignIn;
  const error: SignInErrorCode | undefined = state?.error;
  res.json({ status: state?.status, devices: state?.devices?.map((d) => d.name), error });
});
// @ts-expect-error only the token endpoint methods the route supports
pingSession({ signIn: { clientId: 'app', tokenEndpointAuthMethod: 'private_key_jwt' } });

export function describeError(error: unknown): string {
  if (error instanceof PingOneError) return `${error.code} ${error.status ?? ''} ${error.id ?? ''}`;
  if (error instanceof ConfigError) return error.code;
  return 'unknown';
}

export async function emulatorSettings(): Promise<string> {
  const emulator = await startEmulator({ port: 0 });
  const { token } = emulator.createSession({ user: 'ada' });
  await emulator.close();
  return `${emulator.apiPath} ${token.length}`;
}

// @ts-expect-error an unknown region is a type error
pingSession({ region: 'MARS' });
// @ts-expect-error the session's fields are typed
export const wrong: number = ({} as PingSession).user.id;

export function sharedCache(): PingSessionOptions {
  return {
    cache: {
      ttlMs: 10_000,
      store: new RedisStore({ url: 'redis://127.0.0.1:6379' }),
      keySecret: 'a-long-random-secret-shared-by-instances',
    },
    logger: { warn: console.warn, info: console.info },
  };
}

export function readOnlySession(session: PingSession): void {
  // @ts-expect-error Sessions are shared between requests: they are read-only.
  session.user.id = 'someone-else';
}

app.get('/account', async (req, res) => {
  const user: PingUser | undefined = await req.pingUser();
  const given: string | undefined = user?.name?.given;
  const devices: PingUserSession[] = await listSessions(req);
  const current: boolean | undefined = devices[0]?.current;
  await endSession(req, devices[0]!.id);
  // @ts-expect-error A typo in a user field is caught.
  void user?.emial;
  const custom = await req.pingUser<PingUser & { department?: string }>();
  res.json({ given, current, hidden: req.pingSignIn?.hiddenFields, unit: custom?.department });
});

export async function testKit(): Promise<string> {
  const pingOne = await startTestEmulator();
  const options: PingSessionOptions = pingOne.options({ signIn: 'redirectless' });
  const { cookie, session } = pingOne.signIn('ada', {
    authAgeSeconds: 600,
    authenticators: ['otp'],
  });
  const end = pingOne.simulate('rate-limited', { retryAfterSeconds: 5 });
  end();
  // @ts-expect-error only the conditions the emulator plays
  pingOne.simulate('flooded');
  pingOne.reset();
  await pingOne.close();
  return `${String(options.environmentId)} ${cookie} ${session.user.id} ${sameOrigin['Sec-Fetch-Site']}`;
}
