import request from 'supertest';
import { requireSession } from '../../src';
import { signInOptions, startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
let agent: ReturnType<typeof request.agent>;
afterEach(() => bed.close());

const MINUTE = 60_000;

/** A bed signing in through the emulator, with `GET /sensitive` needing a sign-on within 5 min. */
async function stepUpBed() {
  bed = await startTestBed({
    pingSession: (emulator) => ({ signIn: signInOptions(emulator) }),
  });
  bed.app.get(
    '/sensitive',
    requireSession({ maxAuthAgeSeconds: 300, loginUrl: '/signin' }),
    (req, res) =>
      res.json({ session: req.pingSession!.id, signedOnAt: req.pingSession!.lastSignOn?.at }),
  );
  agent = request.agent(bed.app);
}

/** A browser holding an ST for a session whose sign-on was `minutesAgo`. */
function browserSignedOn(minutesAgo: number, user = 'ada') {
  const created = bed.emulator.createSession({
    user,
    signedOnAt: Date.now() - minutesAgo * MINUTE,
  });
  agent.jar.setCookie(`ST=${created.token}; Path=/`);
  return created;
}
const step = (fields: Record<string, string>) =>
  agent.post('/signin').set('Sec-Fetch-Site', 'same-origin').send(fields);
const authorizeCalls = () => bed.emulator.requests.filter((r) => r.url.includes('/as/authorize'));

describe('signing in again for a step-up', () => {
  it('gives the sign-in page what the redirect asked, and the hidden fields to post back', async () => {
    await stepUpBed();
    browserSignedOn(10);
    const redirect = await agent.get('/sensitive').set('Sec-Fetch-Mode', 'navigate');
    expect(redirect.status).toBe(302);
    const page = await agent.get(redirect.headers.location!);
    expect(page.body.reauthenticate).toEqual({ maxAgeSeconds: 300, authenticators: [] });
    expect(page.body.hiddenFields).toEqual({
      returnTo: '/sensitive',
      max_age: '300',
      prompt: 'login',
    });
  });

  it('asks PingOne with max_age and prompt=login, sending the browser its own session', async () => {
    await stepUpBed();
    const { token } = browserSignedOn(10);
    await step({
      username: 'ada',
      password: bed.emulator.demoPassword,
      max_age: '300',
      prompt: 'login',
    });
    const [authorize] = authorizeCalls();
    const query = new URL(authorize!.url, 'http://x').searchParams;
    expect([query.get('max_age'), query.get('prompt')]).toEqual(['300', 'login']);
    expect(authorize!.headers.cookie).toBe(`ST=${token}`);
  });

  it('keeps the same session, now with a fresh sign-on, which the guarded route lets through', async () => {
    await stepUpBed();
    const { session, token } = browserSignedOn(10);
    expect((await agent.get('/sensitive')).status).toBe(401);
    const res = await step({
      username: 'ada',
      password: bed.emulator.demoPassword,
      max_age: '300',
      prompt: 'login',
      returnTo: '/sensitive',
    });
    expect(res.body).toEqual({ status: 'COMPLETED', returnTo: '/sensitive' });
    // The browser's cookie is still right: PingOne kept the session and its token.
    const setCookies: string[] = [res.headers['set-cookie'] ?? []].flat();
    expect(setCookies.some((cookie) => cookie.startsWith('ST='))).toBe(false);
    const after = await agent.get('/sensitive');
    expect(after.status).toBe(200);
    expect(after.body.session).toBe(session.id);
    expect(Date.parse(after.body.signedOnAt)).toBeGreaterThan(Date.now() - MINUTE);
    expect(bed.emulator.sessionState(token)).toBe('active');
  });

  it('sets the new cookie when another user signs in, and PingOne ends the old session', async () => {
    await stepUpBed();
    const old = browserSignedOn(10, 'ada');
    const res = await step({
      username: 'grace',
      password: bed.emulator.demoPassword,
      prompt: 'login',
    });
    expect(res.body.status).toBe('OTP_REQUIRED');
    expect(bed.emulator.sessionState(old.token)).toBe('reset');
  });

  it('sends an ordinary sign-in over a live session that session and prompt=login, no max_age', async () => {
    await stepUpBed();
    const { token } = browserSignedOn(10);
    await step({ username: 'ada', password: bed.emulator.demoPassword });
    const query = new URL(authorizeCalls()[0]!.url, 'http://x').searchParams;
    expect([query.has('max_age'), query.get('prompt')]).toEqual([false, 'login']);
    expect(authorizeCalls()[0]!.headers.cookie).toBe(`ST=${token}`);
  });

  it('keeps one session for the browser when the same user signs in again over it', async () => {
    await stepUpBed();
    const { session, token } = browserSignedOn(10);
    const res = await step({ username: 'ada', password: bed.emulator.demoPassword });
    expect(res.body.status).toBe('COMPLETED');
    expect(bed.emulator.sessionState(token)).toBe('active');
    expect((await agent.get('/sensitive')).body.session).toBe(session.id);
  });

  it('sends an ordinary sign-in over an ended session neither prompt nor that session', async () => {
    await stepUpBed();
    const { token } = browserSignedOn(10);
    bed.emulator.resetSession(token);
    await step({ username: 'ada', password: bed.emulator.demoPassword });
    const query = new URL(authorizeCalls()[0]!.url, 'http://x').searchParams;
    expect(query.has('prompt')).toBe(false);
    expect(authorizeCalls()[0]!.headers.cookie).toBeUndefined();
  });

  it('passes on only a well-formed max_age and prompt=login, nothing else the post says', async () => {
    await stepUpBed();
    browserSignedOn(10);
    await step({
      username: 'ada',
      password: bed.emulator.demoPassword,
      max_age: '300&prompt=none',
      prompt: 'none',
    });
    const query = new URL(authorizeCalls()[0]!.url, 'http://x').searchParams;
    // prompt=login is this route's own, for the live session; 'none' from the post is dropped.
    expect([query.has('max_age'), query.getAll('prompt')]).toEqual([false, ['login']]);
  });

  it('refuses a field with a control character with 400, before PingOne is asked', async () => {
    await stepUpBed();
    const res = await step({ max_age: '300', prompt: 'login\r\nX: y' });
    expect(res.status).toBe(400);
    expect(authorizeCalls()).toHaveLength(0);
  });
});
