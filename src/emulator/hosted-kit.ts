import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CreatedSession } from './session-store';

/** A browser signed in to a hosted-mode app: the app's own cookie, and the PingOne session. */
export interface HostedSignedInUser {
  /** `name=value` of the app's session cookie: the `Cookie` header to send the app. */
  cookie: string;
  /** `ST=<token>`: PingOne's own cookie on its host, as a browser holds it after signing on. */
  pingOneCookie: string;
  session: CreatedSession['session'];
}

export interface HostedSignInOptions {
  /** The app's `signIn.path`. Default: `'/signin'`. */
  path?: string;
}

/**
 * Signs a browser in to a hosted-mode app as a person already signed on at PingOne would be:
 * the app's sign-in start, the emulator's authorize (single sign-on with a session made for the
 * user), the app's callback. Real HTTP all the way; `app` is a base URL, or a request listener
 * (an Express app) served on a free port for the time of the sign-in.
 */
export async function signInThroughApp(
  app: string | RequestListener,
  createSession: () => CreatedSession,
  options: HostedSignInOptions = {},
): Promise<HostedSignedInUser> {
  const served = typeof app === 'string' ? undefined : await serve(app);
  const base = typeof app === 'string' ? app.replace(/\/$/, '') : served!.url;
  try {
    const navigate = {
      Accept: 'text/html',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Site': 'none',
    };
    const start = await get(`${base}${options.path ?? '/signin'}`, navigate);
    const authorize = locationOf(start, 'the sign-in start');
    const transaction = cookiesOf(start);
    const { token, session } = createSession();
    const signedOn = await get(authorize, { ...navigate, Cookie: `ST=${token}` });
    const callback = new URL(locationOf(signedOn, "the emulator's authorize"));
    const done = await get(`${base}${callback.pathname}${callback.search}`, {
      ...navigate,
      'Sec-Fetch-Site': 'cross-site',
      Cookie: transaction.join('; '),
    });
    const cookie = cookiesOf(done).find((pair) => /^(__Host-)?pingone_session=/.test(pair));
    if (cookie === undefined) {
      throw new Error(`The app's callback answered ${done.statusCode} and set no session cookie.`);
    }
    return { cookie, pingOneCookie: `ST=${token}`, session };
  } finally {
    await served?.close();
  }
}

/** One `GET` as a browser sends it, headers exactly as given (fetch would add its own). */
function get(url: string, headers: Record<string, string>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res));
    });
    req.on('error', reject);
    req.end();
  });
}

function locationOf(response: IncomingMessage, step: string): string {
  const location = response.headers.location;
  if (location === undefined) {
    throw new Error(`${step} answered ${response.statusCode}, not a redirect.`);
  }
  return location;
}

/** The `name=value` pairs a response sets (cleared ones left out). */
function cookiesOf(response: IncomingMessage): string[] {
  return (response.headers['set-cookie'] ?? [])
    .map((cookie) => cookie.split(';')[0]!)
    .filter((pair) => !pair.endsWith('='));
}

async function serve(listener: RequestListener): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
