import type { Server } from 'node:http';
import request from 'supertest';
import { startTestBed, type TestBed } from '../helpers/test-bed';
import { rawGet } from '../helpers/raw-http';

let bed: TestBed;
let server: Server;
afterEach(async () => {
  server?.close();
  await bed.close();
});

async function bedWith(pingSession = {}) {
  bed = await startTestBed({ pingSession: { cache: false, ...pingSession } });
  server = bed.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
}

const rejections = () =>
  bed.logs
    .filter((log) => log.details.event === 'session_token_rejected')
    .map((log) => log.details.reason);

describe('the session token cookie', () => {
  it('is refused, with no PingOne call, when two ST cookies disagree', async () => {
    await bedWith();
    const { token } = bed.emulator.createSession();
    const other = bed.emulator.createSession().token;
    const res = await request(server).get('/me').set('Cookie', `ST=${token}; ST=${other}`);
    expect(res.body).toBeNull();
    expect(bed.sessionCalls()).toHaveLength(0);
    expect(rejections()).toEqual(['conflicting_cookies']);
  });

  it('is accepted when the same ST cookie is sent twice', async () => {
    await bedWith();
    const { token, session } = bed.emulator.createSession();
    const res = await request(server)
      .get('/me')
      .set('Cookie', `ST=${token}; theme=dark; ST=${token}`);
    expect(res.body).toEqual(session);
  });

  it('is refused when longer than maxTokenLength', async () => {
    await bedWith({ maxTokenLength: 64 });
    const res = await request(server)
      .get('/me')
      .set('Cookie', `ST=${'a'.repeat(65)}`);
    expect(res.body).toBeNull();
    expect(bed.sessionCalls()).toHaveLength(0);
    expect(rejections()).toEqual(['too_long']);
  });

  it.each([
    ['a space inside', 'ST=abc def'],
    ['a double quote inside', 'ST=abc"def'],
    ['a backslash', 'ST=abc\\def'],
    ['a comma', 'ST=abc,def'],
    ['a tab inside', 'ST=abc\tdef'],
    ['non-ASCII bytes', Buffer.from('ST=abcé', 'utf8')],
  ])('is refused with %s, with no PingOne call', async (_case, cookie) => {
    await bedWith();
    const value = typeof cookie === 'string' ? Buffer.from(cookie, 'latin1') : cookie;
    const res = await rawGet(server, '/me', [Buffer.concat([Buffer.from('Cookie: '), value])]);
    expect(res.status).toBe(200);
    expect(res.body).toBe('null');
    expect(bed.sessionCalls()).toHaveLength(0);
    expect(rejections()).toEqual(['bad_characters']);
  });

  it.each([
    ['a bare CR', 'Cookie: ST=abc\rX-Evil: 1'],
    ['a bare LF', 'Cookie: ST=abc\nX-Evil: 1'],
    ['a NUL byte', 'Cookie: ST=abc\0def'],
    ['a DEL byte', 'Cookie: ST=abc\x7fdef'],
  ])('with %s gets a 400 from Node before any PingOne call', async (_case, line) => {
    await bedWith();
    const res = await rawGet(server, '/me', [Buffer.from(line, 'latin1')]);
    expect(res.status).toBe(400);
    expect(bed.sessionCalls()).toHaveLength(0);
    expect((await request(server).get('/me')).status).toBe(200);
  });

  it('is reported with its reason, never its value', async () => {
    await bedWith();
    await request(server).get('/me').set('Cookie', 'ST=secret-looking"value');
    expect(rejections()).toEqual(['bad_characters']);
    expect(JSON.stringify(bed.logs)).not.toContain('secret-looking');
  });
});
