import { execFileSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { startEmulator, type Emulator } from '../../src/emulator';
import { parseFault } from '../../src/emulator/faults';

let emulator: Emulator;
beforeEach(async () => {
  emulator = await startEmulator();
});
afterEach(() => emulator.close());

const sessionsMe = () => `/v1/environments/${emulator.environmentId}/sessions/me`;
const read = (token = emulator.createSession().token) =>
  request(emulator.url)
    .get(sessionsMe())
    .set('Authorization', `Bearer ${emulator.issueAccessToken()}`)
    .set('Cookie', `ST=${token}`);

describe('emulator faults', () => {
  it('answer a status with PingOne error body, for the next N calls only', async () => {
    emulator.addFault({ status: 503, times: 2 });
    expect((await read()).status).toBe(503);
    expect((await read()).body).toMatchObject({ code: 'UNEXPECTED_ERROR' });
    expect((await read()).status).toBe(200);
  });

  it('answer 429 REQUEST_LIMITED with Retry-After', async () => {
    emulator.addFault({ status: 429, retryAfter: '2' });
    const res = await read();
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body).toMatchObject({ code: 'REQUEST_LIMITED' });
  });

  it('fail about the fraction of calls asked for', async () => {
    emulator.addFault({ status: 500, rate: 0.3 });
    const statuses = await Promise.all(Array.from({ length: 200 }, () => read()));
    const failed = statuses.filter((res) => res.status === 500).length;
    expect(failed).toBeGreaterThan(30);
    expect(failed).toBeLessThan(90);
  });

  it('add latency', async () => {
    emulator.addFault({ latencyMs: [80, 100] });
    const started = Date.now();
    expect((await read()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('reset the connection', async () => {
    emulator.addFault({ reset: true });
    await expect(read()).rejects.toThrow(/socket hang up|ECONNRESET/);
  });

  it('hang without answering', async () => {
    emulator.addFault({ hang: true });
    await expect(read().timeout(200)).rejects.toThrow(/Timeout/);
  });

  it.each([
    ['html', /^<html>/],
    ['truncated-json', /^\{"id"/],
    ['no-id', /"user"/],
  ] as const)('answer 200 with a %s body', async (malformed, pattern) => {
    emulator.addFault({ malformed });
    const res = await read()
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatch(pattern);
  });

  it('take the token endpoint down, and leave sessions/me alone', async () => {
    emulator.addFault({ on: 'token', status: 503 });
    const token = await request(emulator.url)
      .post(`/${emulator.environmentId}/as/token`)
      .type('form')
      .send({
        grant_type: 'client_credentials',
        client_id: emulator.clientId,
        client_secret: emulator.clientSecret,
      });
    expect(token.status).toBe(503);
    expect((await read()).status).toBe(200);
  });

  it('stop with clearFaults()', async () => {
    emulator.addFault({ status: 500 });
    emulator.clearFaults();
    expect((await read()).status).toBe(200);
  });
});

describe('faults on the command line', () => {
  it.each([
    ['status=503,rate=0.1', { status: 503, rate: 0.1 }],
    ['latencyMs=20-80,on=any', { latencyMs: [20, 80], on: 'any' }],
    ['latencyMs=5', { latencyMs: 5 }],
    ['reset=true,times=3', { reset: true, times: 3 }],
    ['status=429,retryAfter=2', { status: 429, retryAfter: '2' }],
    ['malformed=html', { malformed: 'html' }],
  ])('parse %s', (spec, fault) => {
    expect(parseFault(spec)).toEqual(fault);
  });

  it.each(['colour=red', 'status=abc'])('refuse %s', (spec) => {
    expect(() => parseFault(spec)).toThrow(/fault/);
  });

  it('are described by pingone-emulator --help', () => {
    const out = execFileSync(process.execPath, ['dist/emulator/bin.js', '--help'], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(out).toContain('--fault status=503,rate=0.1');
  });
});
