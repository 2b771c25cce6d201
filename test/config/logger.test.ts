import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { startTestBed, type TestBed } from '../helpers/test-bed';

let bed: TestBed;
afterEach(() => bed.close());

/** A real pino logger writing its JSON lines here. */
function pinoLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, destination), lines };
}

describe('a pino logger', () => {
  it('is taken as it is: details become fields, the message msg', async () => {
    const { logger, lines } = pinoLines();
    bed = await startTestBed({ pingSession: { logger } });
    await request(bed.app).get('/me').set('Cookie', 'ST=a; ST=b');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        event: 'session_token_rejected',
        msg: expect.any(String),
      }),
    ]);
  });

  it('gets misconfigurations at error level, with the fix as msg', async () => {
    const { logger, lines } = pinoLines();
    bed = await startTestBed({ pingSession: { logger, clientSecret: 'not-the-secret' } });
    await request(bed.app).get('/me').set('Cookie', 'ST=some-token');
    expect(lines).toEqual([
      expect.objectContaining({
        level: 50,
        event: 'pingone_misconfigured',
        cause: 'credentials',
        msg: expect.stringContaining('clientSecret'),
      }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('not-the-secret');
  });
});
