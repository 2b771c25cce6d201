import request from 'supertest';
import { ConfigError } from '../../src';
import { resolveOptions } from '../../src/middleware/resolve-options';
import { signInOptions, startTestBed, type TestBed } from '../helpers/test-bed';

// `Secure` behind a same-host proxy: nginx's default `proxy_set_header Host $proxy_host`, without
// `trust proxy`, makes every request of an https site look like plain-http 127.0.0.1.
let bed: TestBed;
afterEach(async () => {
  await bed.close();
  jest.restoreAllMocks();
});

const setCookies = (res: request.Response): string[] => [res.headers['set-cookie'] ?? []].flat();
const cookieNamed = (res: request.Response, name: string) =>
  setCookies(res).find((cookie) => cookie.startsWith(`${name}=`));

/** A redirectless sign-in test bed whose `pingSession()` starts under `NODE_ENV`. */
async function bedUnder(nodeEnv: string, signIn: { redirectUri?: string } = {}) {
  jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = nodeEnv;
  try {
    bed = await startTestBed({
      pingSession: (emulator) => ({ signIn: { ...signInOptions(emulator), ...signIn } }),
    });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/** A post from the app's own page, through a proxy that forwards `Host: 127.0.0.1` over http. */
const proxied = (agent: ReturnType<typeof request.agent>, path: string) =>
  agent.post(path).set('Host', '127.0.0.1').set('Sec-Fetch-Site', 'same-origin');

describe('cookies set behind a proxy that makes every request look local', () => {
  it('keep Secure on the session token cookie in production', async () => {
    await bedUnder('production');
    const agent = request.agent(bed.app);
    const res = await proxied(agent, '/signin').send({
      username: 'ada',
      password: bed.emulator.demoPassword,
    });
    expect(res.body.status).toBe('COMPLETED');
    expect(cookieNamed(res, 'ST')).toMatch(/; Secure/);
  });

  it('keep Secure on the flow cookie of a sign-in in progress in production', async () => {
    await bedUnder('production');
    const res = await proxied(request.agent(bed.app), '/signin').send({
      username: 'grace',
      password: bed.emulator.demoPassword,
    });
    expect(res.body.status).toBe('OTP_REQUIRED');
    expect(cookieNamed(res, 'pingone_flow')).toMatch(/; Secure/);
  });

  it('keep Secure on the cookies a sign-out clears in production', async () => {
    await bedUnder('production');
    const res = await proxied(request.agent(bed.app), '/logout');
    expect(res.status).toBe(204);
    expect(cookieNamed(res, 'ST')).toMatch(/^ST=;.*; Secure/);
  });

  it('keep Secure when NODE_ENV is not set at all', async () => {
    await bedUnder('');
    const res = await proxied(request.agent(bed.app), '/logout');
    expect(cookieNamed(res, 'ST')).toMatch(/; Secure/);
  });

  it('follow an https redirectUri even in development', async () => {
    await bedUnder('development', { redirectUri: 'https://app.example.com/auth/callback' });
    const res = await proxied(request.agent(bed.app), '/logout');
    expect(cookieNamed(res, 'ST')).toMatch(/; Secure/);
  });
});

describe('cookies in local development', () => {
  it('go without Secure on plain-http localhost, where a browser would drop them', async () => {
    await bedUnder('development');
    const res = await proxied(request.agent(bed.app), '/logout');
    expect(cookieNamed(res, 'ST')).not.toMatch(/Secure/);
  });

  it('carry Secure on another host even in development', async () => {
    await bedUnder('development');
    const res = await request(bed.app)
      .post('/logout')
      .set('Host', 'app.example.com')
      .set('Sec-Fetch-Site', 'same-origin');
    expect(cookieNamed(res, 'ST')).toMatch(/; Secure/);
  });

  it('follow cookieSecure: true over every other sign', async () => {
    jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    bed = await startTestBed({ pingSession: { cookieSecure: true } });
    const res = await proxied(request.agent(bed.app), '/logout');
    expect(cookieNamed(res, 'ST')).toMatch(/; Secure/);
  });
});

describe('an insecure choice at start-up', () => {
  const base = {
    environmentId: '6f4b9a2e-3c1d-4e5f-8a7b-9c0d1e2f3a4b',
    accessToken: 'a-token',
    region: 'EU',
  } as const;

  it('is warned of when cookieSecure is false under NODE_ENV=production', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    resolveOptions({ ...base, cookieSecure: false }, { NODE_ENV: 'production' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('cookieSecure: false'), {
      code: 'PINGONE_INSECURE_COOKIES',
    });
  });

  it('is warned of when signIn.redirectUri is plain http under NODE_ENV=production', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const signIn = {
      mode: 'redirectless',
      clientId: 'client',
      redirectUri: 'http://app.example.com/auth/callback',
    } as const;
    resolveOptions(
      { ...base, signIn },
      { NODE_ENV: 'production', PINGONE_COOKIE_SECRET: 'x'.repeat(32) },
    );
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('signIn.redirectUri is plain http (http://app.example.com'),
      { code: 'PINGONE_INSECURE_COOKIES' },
    );
  });

  it('says nothing for an https site in production', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    resolveOptions(base, { NODE_ENV: 'production' });
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses a cookieSecure that is not a boolean, naming the option', () => {
    expect(() => resolveOptions({ ...base, cookieSecure: 'yes' as never }, {})).toThrow(
      ConfigError,
    );
    expect(() => resolveOptions({ ...base, cookieSecure: 'yes' as never }, {})).toThrow(
      /cookieSecure/,
    );
  });
});
