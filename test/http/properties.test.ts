import type { Server } from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { toSafeReturnTo } from '../../src/http/return-to';
import { rawGet } from '../helpers/raw-http';
import { startTestBed, type TestBed } from '../helpers/test-bed';

/** What may follow `ST=` in the Cookie header PingOne receives: cookie-octets, nothing else. */
const UPSTREAM_COOKIE = /^ST=[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]{1,4096}$/;
const ORIGIN = 'http://app.test';
const TRUSTED = 'https://trusted.test';

let bed: TestBed;
let server: Server;
beforeAll(async () => {
  bed = await startTestBed({
    pingSession: { cache: false, logout: { allowedReturnTo: [TRUSTED] } },
  });
  server = bed.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
});
afterAll(async () => {
  server.close();
  await bed.close();
});

/** Bytes an attacker might put in a Cookie header: hostile classes, printable, and anything. */
const hostileByte = fc.oneof(
  fc.constantFrom(...'\r\n\t\0 ";,\\=%\x7f\x80\xff'.split('').map((c) => c.charCodeAt(0))),
  fc.integer({ min: 0x21, max: 0x7e }),
  fc.integer({ min: 0, max: 255 }),
);
const cookieValue = fc.oneof(
  fc.array(hostileByte, { maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ maxLength: 40 }).map((text) => Buffer.from(text, 'utf8')),
  fc.nat({ max: 5000 }).map((length) => Buffer.alloc(length, 'a')),
);
const cookieHeader = fc
  .array(fc.tuple(fc.constantFrom('ST', 'st', 'ST ', ' ST', 'XST', 'theme'), cookieValue), {
    minLength: 1,
    maxLength: 4,
  })
  .map((pairs) =>
    Buffer.concat(
      pairs.flatMap(([name, value], i) => [
        Buffer.from(`${i === 0 ? '' : '; '}${name}=`, 'latin1'),
        value,
      ]),
    ),
  );

describe('any Cookie header', () => {
  it('never reaches PingOne with bytes outside cookie-octets, never gets a 5xx, never stops the server', async () => {
    let upstreamReads = 0;
    await fc.assert(
      fc.asyncProperty(cookieHeader, async (header) => {
        const before = bed.emulator.requests.length;
        const res = await rawGet(server, '/me', [Buffer.concat([Buffer.from('Cookie: '), header])]);
        expect(res.status === 200 || res.status === 400 || res.status === 431).toBe(true);
        const reads = bed.emulator.requests
          .slice(before)
          .filter((r) => r.url.endsWith('/sessions/me'));
        upstreamReads += reads.length;
        for (const call of reads) {
          expect(call.headers.cookie).toMatch(UPSTREAM_COOKIE);
        }
      }),
      { numRuns: 300 },
    );
    // Well-formed tokens were generated too: the property was checked on real upstream calls.
    expect(upstreamReads).toBeGreaterThan(10);
    expect((await request(server).get('/me')).status).toBe(200);
  });
});

/** returnTo values: URL-ish pieces attackers combine, and arbitrary strings. */
const returnTo = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.webUrl(),
  fc
    .tuple(
      fc.constantFrom(
        '',
        '/',
        '//',
        '\\\\',
        '/\\',
        '/./',
        '/../',
        'https:',
        'https://',
        'javascript:',
        '%2F%2F',
        '\t/',
        ' /',
      ),
      fc.constantFrom(
        'evil.test',
        'trusted.test',
        'trusted.test@evil.test',
        'app.test',
        '',
        '%0d%0a',
      ),
      fc.string({ maxLength: 20 }),
    )
    .map(([prefix, host, rest]) => `${prefix}${host}${rest}`),
);

describe('any returnTo', () => {
  it('is either refused or, resolved as a browser would, on this origin or a trusted one', () => {
    fc.assert(
      fc.property(returnTo, (value) => {
        const safe = toSafeReturnTo(value, new Set([TRUSTED]));
        if (safe === undefined) return;
        expect([ORIGIN, TRUSTED]).toContain(new URL(safe, ORIGIN).origin);
        expect(safe).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('given to the logout route never sends the browser off those origins', async () => {
    await fc.assert(
      fc.asyncProperty(returnTo, async (value) => {
        const res = await request(server)
          .post(`/logout?returnTo=${encodeURIComponent(value)}`)
          .set('Host', 'app.test')
          .set('Sec-Fetch-Site', 'same-origin')
          .set('Accept', 'text/html');
        expect(res.status).toBe(303);
        expect([ORIGIN, TRUSTED]).toContain(new URL(res.headers.location as string, ORIGIN).origin);
      }),
      { numRuns: 200 },
    );
  });
});
