import request from 'supertest';
import { requireSession, type RequireSessionOptions } from '../../src';
import { startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
afterEach(() => bed.close());

const MINUTE = 60_000;

/** A bed with `GET /guarded` behind `requireSession(options)`. */
async function guarded(options: RequireSessionOptions) {
  bed = await startTestBed();
  bed.app.get('/guarded', requireSession(options), (req, res) => res.json(req.pingSession!.id));
}
const get = (token: string) => request(bed.app).get('/guarded').set('Cookie', `ST=${token}`);
const signedOn = (minutesAgo: number, authenticators = ['pwd']) =>
  bed.emulator.createSession({ signedOnAt: Date.now() - minutesAgo * MINUTE, authenticators });

describe('requireSession({ maxAuthAgeSeconds })', () => {
  it('lets a session whose sign-on is recent enough through', async () => {
    await guarded({ maxAuthAgeSeconds: 300 });
    const { token, session } = signedOn(2);
    expect((await get(token)).body).toBe(session.id);
  });

  it('answers 401 step_up_required, saying what is asked, when the sign-on is too old', async () => {
    await guarded({ maxAuthAgeSeconds: 300 });
    const res = await get(signedOn(10).token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'step_up_required', maxAuthAgeSeconds: 300 });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it("takes the named authenticator's own time when authenticators are asked too", async () => {
    await guarded({ maxAuthAgeSeconds: 300, authenticators: ['otp'] });
    expect((await get(signedOn(2, ['pwd', 'otp']).token)).status).toBe(200);
    expect((await get(signedOn(10, ['pwd', 'otp']).token)).status).toBe(401);
  });
});

describe('requireSession({ authenticators })', () => {
  it('lets a sign-on that used every one of them through', async () => {
    await guarded({ authenticators: ['pwd', 'otp'] });
    expect((await get(signedOn(0, ['pwd', 'otp', 'mfa']).token)).status).toBe(200);
  });

  it('takes mfa, as PingOne records any one-time code, for otp, sms, email or totp', async () => {
    await guarded({ maxAuthAgeSeconds: 300, authenticators: ['otp'] });
    expect((await get(signedOn(2, ['pwd', 'mfa']).token)).status).toBe(200);
    expect((await get(signedOn(10, ['pwd', 'mfa']).token)).status).toBe(401);
  });

  it('takes a named kind of one-time code for mfa', async () => {
    await guarded({ authenticators: ['mfa'] });
    expect((await get(signedOn(0, ['pwd', 'sms']).token)).status).toBe(200);
    expect((await get(signedOn(0, ['pwd']).token)).status).toBe(401);
  });

  it('does not take one named kind of one-time code for another', async () => {
    await guarded({ authenticators: ['totp'] });
    expect((await get(signedOn(0, ['pwd', 'sms']).token)).status).toBe(401);
  });

  it('asks for a step-up when one is missing', async () => {
    await guarded({ authenticators: ['pwd', 'otp'] });
    const res = await get(signedOn(0, ['pwd']).token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'step_up_required', authenticators: ['pwd', 'otp'] });
  });
});

describe('requireSession({ check })', () => {
  it('asks for a step-up when check says false, and lets through when true', async () => {
    await guarded({ check: (session) => session.user.id === 'the-admin' });
    expect((await get(signedOn(0).token)).body).toEqual({ error: 'step_up_required' });
    const admin = bed.emulator.createSession({ user: 'the-admin' });
    expect((await get(admin.token)).status).toBe(200);
  });
});

describe('a step-up for a browser navigation', () => {
  it('redirects to loginUrl with returnTo, max_age, authenticators and prompt=login', async () => {
    await guarded({ loginUrl: '/signin', maxAuthAgeSeconds: 60, authenticators: ['otp'] });
    const res = await get(signedOn(10, ['pwd', 'otp']).token).set('Sec-Fetch-Mode', 'navigate');
    expect(res.status).toBe(302);
    const location = new URL(res.headers.location!, 'http://app.test');
    expect(location.pathname).toBe('/signin');
    expect(Object.fromEntries(location.searchParams)).toEqual({
      returnTo: '/guarded',
      max_age: '60',
      authenticators: 'otp',
      prompt: 'login',
    });
  });
});

describe('requireSession() step-up options', () => {
  it.each([
    ['a negative maxAuthAgeSeconds', { maxAuthAgeSeconds: -1 }],
    ['a fractional maxAuthAgeSeconds', { maxAuthAgeSeconds: 1.5 }],
    ['authenticators that are not a list', { authenticators: 'otp' }],
    ['an empty authenticator name', { authenticators: [''] }],
    ['a check that is not a function', { check: true }],
  ])('refuse %s with ERR_PINGONE_STEP_UP', (_case, options) => {
    expect(() => requireSession(options as RequireSessionOptions)).toThrow(
      expect.objectContaining({ code: 'ERR_PINGONE_STEP_UP' }),
    );
  });
});
