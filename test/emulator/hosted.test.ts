import { startEmulator, type Emulator } from '../../src/emulator';
import { Browser } from '../helpers/browser';

let emulator: Emulator;
beforeEach(async () => (emulator = await startEmulator()));
afterEach(() => emulator.close());

const APP = 'http://localhost:3000/auth/callback';
const authorize = (params: Record<string, string>) =>
  `${emulator.url}/${emulator.environmentId}/as/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: emulator.signInClientId,
    redirect_uri: APP,
    state: 'the-state',
    ...params,
  })}`;
const worker = async () => {
  const bearer = emulator.issueAccessToken();
  return { Authorization: `Bearer ${bearer}` };
};

describe("the emulator's hosted sign-on", () => {
  it('shows an error, and never redirects, for a client it does not know', async () => {
    const page = await new Browser().fetch('GET', authorize({ client_id: 'nobody' }));
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
  });

  it('shows an error, and never redirects, for a redirect URI off this machine', async () => {
    const page = await new Browser().fetch(
      'GET',
      authorize({ redirect_uri: 'https://evil.example/cb' }),
    );
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
  });

  it('redirects with error=unsupported_response_type and the state for another response type', async () => {
    const page = await new Browser().fetch('GET', authorize({ response_type: 'token' }));
    const back = new URL(String(page.headers.location));
    expect(back.searchParams.get('error')).toBe('unsupported_response_type');
    expect(back.searchParams.get('state')).toBe('the-state');
  });

  it('redirects with error=login_required for prompt=none without a session', async () => {
    const page = await new Browser().fetch('GET', authorize({ prompt: 'none' }));
    expect(new URL(String(page.headers.location)).searchParams.get('error')).toBe('login_required');
  });

  it('signs a browser with a live ST on at once, with a code and the state', async () => {
    const { token } = emulator.signIn('ada');
    const page = await new Browser().fetch('GET', authorize({}), {
      headers: { Cookie: `ST=${token}` },
    });
    const back = new URL(String(page.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(APP);
    expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(back.searchParams.get('state')).toBe('the-state');
  });

  it('asks again with prompt=login, in the same session', async () => {
    const { token } = emulator.signIn('ada');
    const browser = new Browser();
    await browser.jar.setCookie(`ST=${token}; Path=/${emulator.environmentId}`, emulator.url);
    const page = await browser.goto(authorize({ prompt: 'login' }));
    expect(page.body).toContain('Sign on again');
  });

  it('reads a session by its ID, and resets it, with a worker token', async () => {
    const { session, token } = emulator.signIn('ada');
    const url = `${emulator.apiPath}/environments/${emulator.environmentId}/sessions/${session.id}`;
    const read = await fetch(url, { headers: await worker() });
    expect(read.status).toBe(200);
    expect(((await read.json()) as { id: string }).id).toBe(session.id);
    const reset = await fetch(url, {
      method: 'POST',
      headers: {
        ...(await worker()),
        'Content-Type': 'application/vnd.pingidentity.sso.session.logout',
      },
    });
    expect(reset.status).toBe(204);
    expect(emulator.sessionState(token)).toBe('reset');
    expect((await fetch(url, { headers: await worker() })).status).toBe(404);
  });

  it('publishes its signing key at /as/jwks', async () => {
    const res = await fetch(`${emulator.url}/${emulator.environmentId}/as/jwks`);
    const { keys } = (await res.json()) as { keys: { kty: string; kid: string; alg: string }[] };
    expect(keys).toEqual([expect.objectContaining({ kty: 'RSA', kid: 'emulator', alg: 'RS256' })]);
  });

  it('signs off: ends the session of the browser ST, clears it, and redirects back', async () => {
    const { token } = emulator.signIn('ada');
    const page = await new Browser().fetch(
      'GET',
      `${emulator.url}/${emulator.environmentId}/as/signoff?post_logout_redirect_uri=${encodeURIComponent('http://localhost:3000/')}&state=s1`,
      { headers: { Cookie: `ST=${token}` } },
    );
    expect(page.headers.location).toBe('http://localhost:3000/?state=s1');
    expect([page.headers['set-cookie']].flat()[0]).toMatch(/^ST=; Path=\//);
    expect(emulator.sessionState(token)).toBe('reset');
  });
});
