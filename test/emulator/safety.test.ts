import request from 'supertest';
import { resolveOptions } from '../../src/middleware/resolve-options';
import { startEmulator, type Emulator } from '../../src/emulator';

// The emulator where it does not belong: reachable from other machines, growing for ever with
// typed passwords in it, or serving an app in production.
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  jest.restoreAllMocks();
});

describe('the emulator', () => {
  it('refuses to listen where other machines can reach it, unless allowRemote says so', async () => {
    await expect(startEmulator({ listenHost: '0.0.0.0' })).rejects.toThrow(
      'startEmulator(): listenHost "0.0.0.0" can be reached from other machines',
    );
    emulator = await startEmulator({ listenHost: '0.0.0.0', allowRemote: true });
    expect((await request(emulator.url).get('/nowhere')).status).toBe(404);
  });

  it('keeps at most maxRecordedRequests, dropping the oldest', async () => {
    emulator = await startEmulator({ maxRecordedRequests: 20 });
    for (let i = 0; i < 50; i += 1) await request(emulator.url).get(`/nowhere/${i}`);
    expect(emulator.requests.length).toBeLessThanOrEqual(20);
    expect(emulator.requests.at(-1)?.url).toBe('/nowhere/49');
    expect(emulator.requests.some((r) => r.url === '/nowhere/0')).toBe(false);
  });

  it('counts calls past maxRecordedRequests, whatever the record dropped', async () => {
    emulator = await startEmulator({ maxRecordedRequests: 20 });
    const { token } = emulator.createSession();
    for (let i = 0; i < 50; i += 1) {
      await request(emulator.apiPath)
        .get(`/environments/${emulator.environmentId}/sessions/me`)
        .set('Cookie', `ST=${token}`);
    }
    expect(emulator.requests.length).toBeLessThanOrEqual(20);
    expect(emulator.counts().sessionReads).toBe(50);
    emulator.reset();
    expect(emulator.counts().sessionReads).toBe(0);
  });

  it('records no password or one-time code a person typed', async () => {
    emulator = await startEmulator();
    const typed = 'a-password-someone-typed';
    await request(emulator.url)
      .post(`/${emulator.environmentId}/flows/some-flow`)
      .set('Content-Type', 'application/vnd.pingidentity.usernamePassword.check+json')
      .send(JSON.stringify({ username: 'ada', password: typed }));
    await request(emulator.url)
      .post(`/${emulator.environmentId}/signon/hosted`)
      .type('form')
      .send({ username: 'ada', password: typed, otp: '12345678' });
    const bodies = emulator.requests.map((r) => r.body);
    expect(bodies.join('\n')).not.toContain(typed);
    expect(bodies.join('\n')).not.toContain('12345678');
    expect(bodies[0]).toBe(JSON.stringify({ username: 'ada', password: '[redacted]' }));
  });

  it('warns when it starts under NODE_ENV=production', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      emulator = await startEmulator();
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('NODE_ENV=production'), {
      code: 'PINGONE_EMULATOR_IN_PRODUCTION',
    });
  });
});

describe('pingSession() pointed at a server on this machine', () => {
  it('warns under NODE_ENV=production, naming the plain-http URLs', async () => {
    emulator = await startEmulator();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    resolveOptions(emulator.options(), { NODE_ENV: 'production' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(emulator.apiPath), {
      code: 'PINGONE_NOT_PINGONE',
    });
  });

  it('says nothing in development, nor for PingOne itself in production', async () => {
    emulator = await startEmulator();
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    resolveOptions(emulator.options(), { NODE_ENV: 'development' });
    const { apiPath: _api, authPath: _auth, ...rest } = emulator.options();
    resolveOptions({ ...rest, region: 'EU' }, { NODE_ENV: 'production' });
    expect(warn).not.toHaveBeenCalled();
  });
});
