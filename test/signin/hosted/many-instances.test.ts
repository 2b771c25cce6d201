import request from 'supertest';
import { sameOrigin } from '../../../src/testing';
import { useSharedRedis } from '../../helpers/shared-redis';
import { until } from '../../helpers/wait';

/*
 * Hosted mode behind a load balancer: instances sharing one Redis, each with its own memory. The
 * session cookie names the PingOne session; a lookup made by one serves the others, and a
 * sign-out on one drops the session on every one.
 */
const shared = useSharedRedis();
const REDIRECT = 'http://localhost:3000/auth/callback';

const hosted = () =>
  shared.instance({ ...shared.emulator.options({ signIn: 'hosted', redirectUri: REDIRECT }) });
const me = (app: Parameters<typeof request>[0], cookie: string) =>
  request(app).get('/me').set('Cookie', cookie);

describe('hosted mode on many instances', () => {
  it("serves one instance's lookup to the others without another PingOne read", async () => {
    const [a, b] = [await hosted(), await hosted()];
    const { cookie, session } = await shared.emulator.signInHosted(a);
    expect((await me(a, cookie)).body.id).toBe(session.id);
    const reads = shared.emulator.counts().sessionReads;
    expect((await me(b, cookie)).body.id).toBe(session.id);
    expect(shared.emulator.counts().sessionReads).toBe(reads);
  });

  it('drops the session on every instance when one signs it out', async () => {
    const [a, b] = [await hosted(), await hosted()];
    const { cookie } = await shared.emulator.signInHosted(a);
    expect((await me(b, cookie)).body).not.toBeNull();
    expect((await request(a).post('/logout').set(sameOrigin).set('Cookie', cookie)).status).toBe(
      204,
    );
    await until(async () => (await me(b, cookie)).body === null);
  });
});
