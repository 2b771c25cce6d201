import { faultSoak, madeUpTokenFlood, rateLimitedFlood } from '../../bench/flood';

// Smaller runs of `npm run soak`, whose full-size numbers SECURITY.md quotes.
describe('a flood of made-up session tokens', () => {
  it('from one client costs at most its unknown-token budget in PingOne reads, and evicts no user', async () => {
    const report = await madeUpTokenFlood({ requests: 3000, clients: 1, users: 50 });
    expect(report.pingOneReads).toBeLessThanOrEqual(report.budgetBound);
    expect(report.pingOneReads).toBeLessThan(60);
    expect(report.usersEvicted).toBe(0);
  }, 60_000);

  it('from 300 clients evicts no signed-in user from the cache', async () => {
    const report = await madeUpTokenFlood({ requests: 3000, clients: 300, users: 50 });
    expect(report.pingOneReads).toBeLessThanOrEqual(report.budgetBound);
    expect(report.usersEvicted).toBe(0);
  }, 60_000);

  it('that PingOne rate-limits lets every logout reach PingOne and opens no breaker', async () => {
    const report = await rateLimitedFlood({
      durationMs: 3000,
      loops: 50,
      readsPerSecond: 50,
      logouts: 5,
    });
    expect(report.floodRequests).toBeGreaterThan(100);
    expect(report).toMatchObject({
      logoutsAnswered: 5,
      logoutsReachedPingOne: 5,
      breakerOpened: {},
    });
  }, 60_000);
});

describe('a soak with 10% of PingOne calls failing', () => {
  it('never opens the circuit breaker', async () => {
    const report = await faultSoak({
      durationMs: 40_000,
      loops: 20,
      faultRate: 0.1,
      maxLookups: 1500,
    });
    expect(report.lookups).toBeGreaterThanOrEqual(1500);
    expect(report.pingOneCallsFailed).toBeGreaterThan(75);
    expect(report.breakerOpened).toBe(0);
  }, 60_000);
});
