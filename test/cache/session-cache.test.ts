import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import request from 'supertest';
import { pingSession, type PingSessionOptions } from '../../src';
import { sessionJson } from '../helpers/session-json';
import { signOut, startTestBed, type TestBed } from '../helpers/test-bed';
import { startUpstreamServer, type UpstreamServer } from '../helpers/upstream-server';
import { sleep, until } from '../helpers/wait';

let bed: TestBed;
afterEach(() => bed.close());

const me = (token: string) => request(bed.app).get('/me').set('Cookie', `ST=${token}`);
const reads = () => bed.emulator.counts().sessionReads;

async function bedWith(cache?: PingSessionOptions['cache']) {
  bed = await startTestBed({ pingSession: { cache } });
}

describe('the session cache', () => {
  it('makes one PingOne call for 500 simultaneous requests with one token', async () => {
    await bedWith();
    const { bodies, reads } = await simultaneously(500, {});
    expect(bodies.every((body) => body?.id !== undefined)).toBe(true);
    expect(reads).toBe(1);
  });

  it('makes one PingOne call per distinct token', async () => {
    await bedWith();
    const tokens = Array.from({ length: 20 }, () => bed.emulator.createSession().token);
    await Promise.all(tokens.map(me));
    expect(reads()).toBe(20);
  });

  it('makes no more calls for a token asked again within ttlMs', async () => {
    await bedWith();
    const { token, session } = bed.emulator.createSession();
    await me(token);
    for (let i = 0; i < 5; i += 1) expect((await me(token)).body).toEqual(session);
    expect(reads()).toBe(1);
  });

  it('asks PingOne again once ttlMs has passed', async () => {
    await bedWith({ ttlMs: 100 });
    const { token } = bed.emulator.createSession();
    await me(token);
    await sleep(150);
    await me(token);
    expect(reads()).toBe(2);
  });

  it("asks PingOne again once the session's expiresAt has passed, however long ttlMs is", async () => {
    await bedWith({ ttlMs: 600_000 });
    // 0.02 minutes: the session expires 1.2 s after it is created.
    const { token } = bed.emulator.createSession({ idleTimeoutInMinutes: 0.02 });
    expect((await me(token)).body).not.toBeNull();
    await sleep(1300);
    expect((await me(token)).body).toBeNull();
    expect(reads()).toBe(2);
  });

  it('sees a session reset at PingOne directly within ttlMs', async () => {
    await bedWith({ ttlMs: 1000 });
    const { token } = bed.emulator.createSession();
    await me(token);
    bed.emulator.resetSession(token);
    // Until ttlMs has passed the cached answer stands: the documented cost of caching.
    expect((await me(token)).body).not.toBeNull();
    await sleep(1050);
    expect((await me(token)).body).toBeNull();
  });

  it('remembers a token PingOne does not know', async () => {
    await bedWith();
    for (let i = 0; i < 50; i += 1) await me('never-issued');
    expect(reads()).toBe(1);
  });

  it('asks PingOne again about an unknown token once negativeTtlMs has passed', async () => {
    await bedWith({ negativeTtlMs: 100 });
    await me('never-issued');
    await sleep(150);
    await me('never-issued');
    expect(reads()).toBe(2);
  });

  it('does not remember unknown tokens with negativeTtlMs: 0', async () => {
    await bedWith({ negativeTtlMs: 0 });
    for (let i = 0; i < 3; i += 1) await me('never-issued');
    expect(reads()).toBe(3);
  });

  it('forgets a session at once on logout', async () => {
    await bedWith();
    const { token } = bed.emulator.createSession();
    await me(token);
    await signOut(bed.app, token);
    expect((await me(token)).body).toBeNull();
    expect(reads()).toBe(2);
  });

  it('hands out sessions that cannot be changed by one request for the next', async () => {
    await bedWith();
    bed.app.get('/tamper', (req, res) => {
      try {
        (req.pingSession as { user: { id: string } }).user.id = 'someone-else';
        res.json({ changed: true });
      } catch {
        res.json({ changed: false });
      }
    });
    const { token, session } = bed.emulator.createSession();
    await me(token);
    const tamper = await request(bed.app).get('/tamper').set('Cookie', `ST=${token}`);
    expect(tamper.body).toEqual({ changed: false });
    expect((await me(token)).body.user.id).toBe(session.user.id);
  });

  it('keeps nothing with cache: false', async () => {
    await bedWith(false);
    const { token } = bed.emulator.createSession();
    for (let i = 0; i < 3; i += 1) await me(token);
    expect(reads()).toBe(3);
  });

  it('still shares one call between simultaneous requests with cache: false', async () => {
    await bedWith(false);
    const { bodies, reads } = await simultaneously(50, false);
    expect(bodies.every((body) => body?.id !== undefined)).toBe(true);
    expect(reads).toBe(1);
  });
});

/**
 * Sends `count` requests with one token while PingOne holds its answer, and lets it answer only
 * once every request has reached the app: none can be served by an answer that came before it.
 */
async function simultaneously(count: number, cache: PingSessionOptions['cache']) {
  let arrived = 0;
  const app = express();
  app.use((_req, _res, next) => {
    arrived += 1;
    next();
  });
  app.use(pingSession({ ...bed.emulator.options(), cache }));
  app.get('/me', (req, res) => res.json(req.pingSession ?? null));
  // The access token first, so that the held answer is the session read.
  await request(app).get('/me').set('Cookie', 'ST=warm-up');
  const { token } = bed.emulator.createSession();
  const before = reads();
  const release = bed.emulator.hold();
  const server = app.listen(0, '127.0.0.1');
  try {
    const responses = Promise.all(
      Array.from({ length: count }, () => request(server).get('/me').set('Cookie', `ST=${token}`)),
    );
    await until(() => arrived === count + 1);
    release();
    const answered = await responses;
    return {
      bodies: answered.map((res) => res.body as { id?: string } | null),
      reads: reads() - before,
    };
  } finally {
    release();
    server.close();
  }
}

describe('the session cache against a PingOne that answers late or fails', () => {
  let upstream: UpstreamServer;
  afterEach(() => upstream.close());

  /**
   * Answers GET sessions/me with `answers[n]` for the n-th read once `gate` opens, and POST
   * sessions/me (the reset) with 204 at once.
   */
  async function pingOneAnswering(
    answers: ((res: ServerResponse) => void)[],
    gate: Promise<void> = Promise.resolve(),
  ) {
    let reads = 0;
    upstream = await startUpstreamServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST') return void res.writeHead(204).end();
      const answer = answers[Math.min(reads, answers.length - 1)]!;
      reads += 1;
      void gate.then(() => answer(res));
    });
    bed = await startTestBed({
      pingSession: { apiPath: `${upstream.url}/v1`, onUpstreamError: 'fail-closed' },
    });
    return () => reads;
  }

  const json = (status: number, body: object) => (res: ServerResponse) => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };
  /** A session of the bed's environment, made when PingOne answers (the bed exists by then). */
  const sessionAnswer = (res: ServerResponse) =>
    json(200, sessionJson(bed.emulator.environmentId))(res);

  it('lets only the requests that shared a failed call see its failure', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const count = await pingOneAnswering(
      // 403 is never retried: the flight fails on its first answer.
      [json(403, { code: 'ACCESS_FAILED' }), sessionAnswer],
      gate,
    );
    const during = Promise.all(Array.from({ length: 20 }, () => me('a-token')));
    await until(() => count() === 1);
    open();
    expect((await during).map((res) => res.status)).toEqual(Array(20).fill(503));
    const after = await me('a-token');
    expect(after.status).toBe(200);
    expect(after.body.id).toBe(sessionJson(bed.emulator.environmentId).id);
    expect(count()).toBe(2);
  });

  it('does not keep a session whose token was logged out while PingOne was answering', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const count = await pingOneAnswering([sessionAnswer, json(404, { code: 'NOT_FOUND' })], gate);
    const during = me('a-token').then((res) => res);
    await until(() => count() === 1);
    const logout = await signOut(bed.app, 'a-token');
    expect(logout.status).toBe(204);
    open();
    await during;
    expect((await me('a-token')).body).toBeNull();
    expect(count()).toBe(2);
  });
});

describe('the session cache and a session store', () => {
  it('never puts the token in a key or a value it stores', async () => {
    const written: string[] = [];
    const store = {
      get: () => undefined,
      set: (key: string, value: unknown) => void written.push(key, JSON.stringify(value)),
      delete: (key: string) => void written.push(key),
    };
    bed = await startTestBed({
      pingSession: { cache: { store, keySecret: 'k'.repeat(32) }, logger: false },
    });
    const { token } = bed.emulator.createSession();
    await me(token);
    await signOut(bed.app, token);
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect(written.join('\n')).not.toContain(token);
  });
});
