import express from 'express';
import request from 'supertest';
import { pingSession, requireSession } from '../../src';
import { startEmulator, type Emulator } from '../../src/emulator';
import { pingSessionMetrics, type PingSessionMetrics } from '../../src/metrics';
import { signOut } from '../helpers/test-bed';

let emulator: Emulator;
let metrics: PingSessionMetrics;
beforeEach(async () => {
  emulator = await startEmulator();
  metrics = pingSessionMetrics();
});
afterEach(async () => {
  metrics.close();
  await emulator.close();
});

/** An app serving its metrics on GET /metrics, as a scraper reads them. */
function appWith(options: Parameters<typeof pingSession>[0] = {}) {
  const app = express();
  app.use(pingSession({ ...emulator.options(), logger: false, ...options }));
  app.get('/me', (req, res) => res.json(req.pingSession?.id ?? null));
  app.get('/private', requireSession(), (_req, res) => res.end());
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return app;
}

/** The value of one series in the exposition text, 0 when absent. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  it('counts lookups by outcome, PingOne calls, token requests and logouts', async () => {
    const app = appWith();
    const { token } = emulator.createSession();
    await request(app).get('/me').set('Cookie', `ST=${token}`);
    await request(app).get('/me').set('Cookie', `ST=${token}`);
    await signOut(app, token);
    const text = (await request(app).get('/metrics')).text;
    expect(valueOf(text, 'pingone_session_lookups_total{outcome="miss",session="true"}')).toBe(1);
    expect(valueOf(text, 'pingone_session_lookups_total{outcome="hit",session="true"}')).toBe(1);
    expect(
      valueOf(
        text,
        'pingone_session_upstream_duration_seconds_count{operation="GET sessions/me",status="200"}',
      ),
    ).toBe(1);
    expect(valueOf(text, 'pingone_session_token_requests_total{ok="true"}')).toBe(1);
    expect(valueOf(text, 'pingone_session_logouts_total{outcome="reset"}')).toBe(1);
    expect(valueOf(text, 'pingone_session_upstream_in_flight{lane="read"}')).toBe(0);
  });

  it("counts the read budget's use, and the age of answers served while it was spent", async () => {
    const app = appWith({ cache: { ttlMs: 100, pingOneReadsPerSecond: 2 } });
    const { token } = emulator.createSession();
    await request(app).get('/me').set('Cookie', `ST=${token}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await request(app).get('/me').set('Cookie', `ST=${token}`);
    const text = (await request(app).get('/metrics')).text;
    const budget = 'pingone_session_read_budget_total';
    expect(valueOf(text, `${budget}{priority="needed",granted="true"}`)).toBe(1);
    expect(valueOf(text, `${budget}{priority="renewal",granted="false"}`)).toBe(1);
    const age = 'pingone_session_served_age_seconds';
    expect(valueOf(text, `${age}_count{outcome="deferred"}`)).toBe(1);
    expect(valueOf(text, `${age}_sum{outcome="deferred"}`)).toBeGreaterThanOrEqual(0.15);
  });

  it('counts a misconfiguration by cause, and shows the breaker opening', async () => {
    emulator.addFault({ status: 403 });
    const app = appWith({ retry: false, circuitBreaker: { minimumCalls: 2, cooldownMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) await request(app).get('/me').set('Cookie', `ST=t-${i}`);
    const text = (await request(app).get('/metrics')).text;
    expect(valueOf(text, 'pingone_session_misconfigurations_total{cause="worker_role"}')).toBe(2);
    expect(valueOf(text, 'pingone_session_breaker_state{lane="read"}')).toBe(1);
  });
});
