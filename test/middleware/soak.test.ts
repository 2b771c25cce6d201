import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface SoakReport {
  requests: number;
  statuses: Record<string, number>;
  expected503: number;
  wrongSessions: number;
  logouts: number;
  upstreamReads: number;
  failedReads: number;
}

describe('a soak run: 5 000 requests, 200 tokens, 50 at a time, 10% of PingOne calls failing', () => {
  let report: SoakReport;

  beforeAll(async () => {
    // Its own Node process: a crash or an unhandled rejection would end it with a non-zero code.
    const { stdout } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'test/fixtures/soak.ts'],
      { cwd: path.resolve(__dirname, '../..'), timeout: 60_000 },
    );
    report = JSON.parse(stdout) as SoakReport;
  }, 70_000);

  it('answers every request, with 200 or 503 only', () => {
    expect(report.requests).toBe(5000);
    expect(Object.keys(report.statuses).sort()).toEqual(
      report.statuses['503'] ? ['200', '503'] : ['200'],
    );
  });

  it('gives no session for a token that was signed out or never issued, nor the wrong one', () => {
    expect(report.logouts).toBeGreaterThan(0);
    expect(report.wrongSessions).toBe(0);
  });

  it('answers 503 exactly as often as PingOne failed a lookup on every attempt', () => {
    expect(report.failedReads).toBeGreaterThan(report.upstreamReads * 0.05);
    expect(report.statuses['503'] ?? 0).toBe(report.expected503);
  });
});
