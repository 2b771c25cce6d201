/*
 * `npm run soak`: the load scenarios, at full size, each with the bounds it must keep. They race
 * the wall clock by design (a flood is many requests in little time), so they live here rather
 * than in `npm test`, where a busy machine would make them flaky; the behaviour each one relies
 * on is tested exactly there (test/cache/unknown-token-budget.test.ts,
 * test/client/resilience.test.ts). Exits 1 when any bound is broken.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  faultSoak,
  madeUpTokenFlood,
  rateLimitedFlood,
  sharedAddressFlood,
  signInFlood,
} from './flood';

interface Check {
  scenario: string;
  report: object;
  broken: string[];
}

const checks: Check[] = [];

function check(scenario: string, report: object, bounds: Record<string, boolean>): void {
  const broken = Object.entries(bounds)
    .filter(([, kept]) => !kept)
    .map(([bound]) => bound);
  checks.push({ scenario, report, broken });
  console.error(`${broken.length ? 'BROKEN' : 'ok    '} ${scenario} ${JSON.stringify(report)}`);
  for (const bound of broken) console.error(`         broken: ${bound}`);
}

interface ProcessSoakReport {
  requests: number;
  statuses: Record<string, number>;
  expected503: number;
  wrongSessions: number;
  missingSessions: number;
  logouts: number;
  upstreamReads: number;
  failedReads: number;
}

async function processSoak(): Promise<ProcessSoakReport> {
  // Its own Node process: a crash or an unhandled rejection ends it with a non-zero code.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'soak-process.ts')],
    { cwd: path.resolve(__dirname, '..'), timeout: 300_000 },
  );
  return JSON.parse(stdout) as ProcessSoakReport;
}

async function main(): Promise<void> {
  for (const clients of [1, 1000]) {
    const report = await madeUpTokenFlood({ requests: 20_000, clients, users: 200 });
    check(`20 000 made-up tokens, ${clients} client(s), 200 users cached`, report, {
      'PingOne reads within the unknown-token budget': report.pingOneReads <= report.budgetBound,
      'no signed-in user evicted': report.usersEvicted === 0,
    });
  }

  const signIns = await signInFlood({ emptyPosts: 10_100, stuffing: 300 });
  check('10 100 empty sign-in posts from one address, 300 stuffing posts from another', signIns, {
    // 60 starts an address (the stuffing posts each start a flow too), and the user's own flow.
    'authorize calls within startsPerAddress': signIns.authorizeCalls <= 60 + 60 + 1,
    'password checks within guessesPerAddress (+1 for the other user)':
      signIns.passwordChecks <= 31,
    'the other user signed in meanwhile': signIns.otherUserSignedIn,
  });

  const shared = await sharedAddressFlood({ durationMs: 30_000, users: 20, madeUpPerSecond: 4 });
  check('20 users and 4 made-up cookies/s from one address for 30 s, entries kept 5 s', shared, {
    'no signed-in user bounced': shared.bounced === 0,
  });

  const limited = await rateLimitedFlood({
    durationMs: 20_000,
    loops: 100,
    readsPerSecond: 100,
    logouts: 20,
  });
  check('100 loops for 20 s, PingOne at 100 reads/s, 20 logouts', limited, {
    'every logout answered 204': limited.logoutsAnswered === limited.logouts,
    'every logout reached PingOne': limited.logoutsReachedPingOne === limited.logouts,
    'no breaker opened': Object.keys(limited.breakerOpened).length === 0,
  });

  for (let run = 1; run <= 3; run += 1) {
    const report = await faultSoak({ durationMs: 60_000, loops: 50, faultRate: 0.1 });
    check(`60 s soak, 10% of PingOne calls failing, run ${run}`, report, {
      'PingOne failed some calls': report.pingOneCallsFailed > 0,
      'the breaker never opened': report.breakerOpened === 0,
    });
  }

  const soak = await processSoak();
  check('5 000 requests, 200 tokens, 50 at a time, 10% of PingOne calls failing', soak, {
    'every request answered': soak.requests === 5000,
    'only 200 and 503': Object.keys(soak.statuses).every((status) => /^(200|503)$/.test(status)),
    'some sessions signed out': soak.logouts > 0,
    'no session for a signed-out or unknown token, nor the wrong one': soak.wrongSessions === 0,
    'every live session answered 200 found': soak.missingSessions === 0,
    'each request one PingOne read, or more': soak.upstreamReads >= soak.requests,
    'PingOne failed some reads': soak.failedReads > soak.upstreamReads * 0.05,
    '503 exactly when PingOne failed every attempt of a lookup':
      (soak.statuses['503'] ?? 0) === soak.expected503,
  });

  const rows = checks.map(
    ({ scenario, report, broken }) =>
      `| ${scenario} | ${JSON.stringify(report).replace(/"/g, '').replace(/,/g, ', ')} | ${broken.length ? `broken: ${broken.join('; ')}` : 'kept'} |`,
  );
  console.log(['| scenario | measured | bounds |', '| --- | --- | --- |', ...rows].join('\n'));
  if (checks.some(({ broken }) => broken.length > 0)) process.exitCode = 1;
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
