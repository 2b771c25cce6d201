/*
 * npm run bench: every scenario of bench/scenarios.ts against its own server process, driven by
 * autocannon from this process, the emulator (and Redis) in processes of their own. Prints a
 * table, checks the targets, and writes bench/results.json and results.md, and docs/performance.svg.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { Options, Result } from 'autocannon';
import request from 'supertest';
import { startBenchRedis, type BenchRedis } from './bench-redis';
import { ask, cookiesFor } from './ipc';
import { CONNECTIONS, cookieRequests, drive, driveEach, requestsPerSecond } from './load';
import { child, pin, PINNING, stop } from './processes';
import { markdown, median, pairedRatio, svg, targets, type Row } from './report';
import { SCENARIOS, type Scenario } from './scenarios';

const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 1);
const SECONDS = Number(process.env.BENCH_DURATION ?? 1.5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/**
 * Unmeasured load right before every measured round. A scenario's server idles for half a minute
 * between its rounds while bare Express runs every other round; V8 meanwhile collects and
 * drops compiled code of the idle one, which then started its round cold: in the run before this
 * warm-up, no cookie (which does nothing more than bare Express by instruction count) took
 * 252 µs of server CPU per request to bare Express's 145.
 */
const REWARM_SECONDS = Number(process.env.BENCH_REWARM ?? 0.4);
/** This file's compiled folder (bench/dist/bench), where the children's compiled files are too. */
const here = __dirname;
/** Where the results go: bench/, beside the sources. */
const resultsDir = path.resolve(here, '../..');
// Children run compiled JavaScript (npm run bench builds it): the TypeScript compiler loaded by
// ts-node would weigh on the memory and start-up of the servers measured.

/** A scenario's processes, started and warmed up, ready to be measured round after round. */
interface Prepared {
  scenario: Scenario;
  url: string;
  extra: Partial<Options>;
  emulator: ChildProcess;
  server: ChildProcess;
}

async function prepare(scenario: Scenario, redis: BenchRedis): Promise<Prepared> {
  const emulator = child('emulator-process.js', {
    BENCH_UPSTREAM_LATENCY_MS: String(scenario.upstreamLatencyMs ?? 0),
  });
  const { settings } = await ask<{ settings: Record<string, string> }>(emulator, 'ready');
  const server = child(
    'server.js',
    {
      BENCH_SCENARIO: JSON.stringify(scenario),
      BENCH_SETTINGS: JSON.stringify(settings),
      ...redis.env(scenario),
    },
    PINNING?.server,
  );
  const { port } = await ask<{ port: number }>(server, 'ready');
  const base = `http://127.0.0.1:${port}`;
  const tokens = await cookiesFor(scenario, emulator);
  const extra = await cookieRequests(scenario, tokens, base);
  const check = await request(base)
    .get('/check')
    .set(extra.headers ?? { cookie: tokens[0] ?? '' });
  const expectSession = scenario.cookies !== 'none';
  if (check.body.session !== expectSession) {
    throw new Error(
      `${scenario.id}: session attached is ${check.body.session}, expected ${expectSession}`,
    );
  }
  // Warm-up: every token once (so that cache scenarios measure hits), then a little more.
  const cached = scenario.app === 'pingSession' && scenario.options?.cache !== false;
  if (cached && tokens.length > 1) {
    await driveEach(`${base}/hello`, tokens);
  }
  await drive(`${base}/hello`, WARMUP_SECONDS, extra);
  return { scenario, url: `${base}/hello`, extra, emulator, server };
}

interface Round {
  result: Result;
  upstreamCalls: number;
  /** Server CPU time (user + system) per request served, in microseconds. */
  cpuMicrosPerRequest: number;
}

interface ServerStats {
  peakRss: number;
  cpuMicros: number;
  served: number;
}

async function measure(prepared: Prepared): Promise<Round> {
  await drive(prepared.url, REWARM_SECONDS, prepared.extra);
  await ask(prepared.emulator, 'counts');
  const before = await ask<ServerStats>(prepared.server, 'stats');
  const result = await drive(prepared.url, SECONDS, prepared.extra);
  const after = await ask<ServerStats>(prepared.server, 'stats');
  const { counts } = await ask<{ counts: { sessionReads: number } }>(prepared.emulator, 'counts');
  const cpuMicrosPerRequest =
    (after.cpuMicros - before.cpuMicros) / Math.max(1, after.served - before.served);
  process.stderr.write(
    `  ${Math.round(requestsPerSecond(result))} req/s, ${cpuMicrosPerRequest.toFixed(1)} µs CPU/request\n`,
  );
  return { result, upstreamCalls: counts.sessionReads, cpuMicrosPerRequest };
}

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * The round with the median requests per second stands for the scenario's latency and calls. Its
 * ratio to bare Express is paired by round (see {@link pairedRatio}): the speed of this machine
 * drifts over a run, and a ratio of two measurements seconds apart cancels part of that drift.
 */
async function summarise(
  prepared: Prepared,
  rounds: Round[],
): Promise<Omit<Row, 'ratio' | 'roundRatios'>> {
  const rps = (round: Round) => requestsPerSecond(round.result);
  const { result, upstreamCalls } = [...rounds].sort((a, b) => rps(a) - rps(b))[
    Math.floor(rounds.length / 2)
  ]!;
  const { peakRss } = await ask<ServerStats>(prepared.server, 'stats');
  return {
    id: prepared.scenario.id,
    title: prepared.scenario.title,
    requestsPerSecond: Math.round(requestsPerSecond(result)),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    upstreamCalls,
    cpuMicrosPerRequest:
      Math.round(median(rounds.map((round) => round.cpuMicrosPerRequest)) * 10) / 10,
    peakRssMb: Math.round((peakRss / 2 ** 20) * 10) / 10,
    roundRequestsPerSecond: rounds.map((round) => Math.round(rps(round))),
    errors: rounds.reduce((sum, round) => sum + round.result.errors + round.result.non2xx, 0),
  };
}

function heapPerSession(): Promise<{ bytesPerEntry: number; entries: number }> {
  return new Promise((resolve, reject) => {
    const proc = fork(path.join(here, 'heap.js'), [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`heap.ts exited ${code}`)),
    );
  });
}

/**
 * Rounds over all scenarios, in a new random order each round, each scenario between two rounds
 * of bare Express (A X A X A ...): its ratio is to the mean of the bare rounds just before and
 * after it, seconds apart, since bare Express alone swings by half within seconds on this
 * machine. The median round of each is kept.
 */
async function runRounds(prepared: Prepared[], rows: Row[]): Promise<void> {
  const [bare, ...others] = prepared as [Prepared, ...Prepared[]];
  const rounds = new Map<Prepared, Round[]>(prepared.map((p) => [p, []]));
  const ratios = new Map<Prepared, number[]>(prepared.map((p) => [p, []]));
  const rps = (round: Round) => requestsPerSecond(round.result);
  for (let round = 1; round <= ROUNDS; round += 1) {
    let before = await measure(bare);
    rounds.get(bare)!.push(before);
    for (const p of shuffled(others)) {
      process.stderr.write(`round ${round}/${ROUNDS}: ${p.scenario.title}\n`);
      const measured = await measure(p);
      const after = await measure(bare);
      rounds.get(p)!.push(measured);
      rounds.get(bare)!.push(after);
      ratios.get(p)!.push(rps(measured) / ((rps(before) + rps(after)) / 2));
      before = after;
    }
    ratios.get(bare)!.push(1);
  }
  for (const p of prepared) {
    const summary = await summarise(p, rounds.get(p)!);
    const roundRatios = ratios.get(p)!;
    rows.push({
      ...summary,
      roundRatios,
      ratio: pairedRatio(
        roundRatios,
        roundRatios.map(() => 1),
      ),
    });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  // Children start with this process's CPUs: Redis and the emulators run beside autocannon.
  pin(process.pid, PINNING?.driver);
  // BENCH_ONLY=bare,hit measures a subset while working on one path (targets need all).
  const only = process.env.BENCH_ONLY?.split(',');
  // Bare Express is always measured: every ratio is to it.
  const chosen = only
    ? ['bare', ...only.filter((id) => id !== 'bare')].map((id) =>
        SCENARIOS.find((s) => s.id === id)!,
      )
    : SCENARIOS;
  const redis = await startBenchRedis(chosen);
  const prepared: Prepared[] = [];
  const rows: Row[] = [];
  try {
    for (const scenario of chosen) {
      process.stderr.write(`starting: ${scenario.title}\n`);
      prepared.push(await prepare(scenario, redis));
    }
    await runRounds(prepared, rows);
  } finally {
    await Promise.all(prepared.flatMap((p) => [stop(p.server), stop(p.emulator)]));
    await redis.stop();
  }
  const heap = await heapPerSession();
  const complete = SCENARIOS.every((s) => rows.some((row) => row.id === s.id));
  const checks = complete ? targets(rows, heap.bytesPerEntry) : [];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`;
  const md = markdown(rows, checks, heap, machine, {
    connections: CONNECTIONS,
    warmupSeconds: WARMUP_SECONDS,
    rounds: ROUNDS,
    seconds: SECONDS,
    rewarmSeconds: REWARM_SECONDS,
  });
  process.stdout.write(`\n${md}\nTook ${Math.round((Date.now() - started) / 1000)} s.\n`);
  if (!complete) return;
  writeFileSync(
    path.join(resultsDir, 'results.json'),
    JSON.stringify(
      {
        machine,
        connections: CONNECTIONS,
        seconds: SECONDS,
        rounds: ROUNDS,
        rows,
        heap,
        targets: checks,
      },
      null,
      2,
    ) + '\n',
  );
  writeFileSync(path.join(resultsDir, 'results.md'), md);
  // Beside the page that shows it, which ships in the package; the bench folder does not.
  writeFileSync(path.join(resultsDir, '../docs/performance.svg'), svg(rows));
  const errors = rows.filter((row) => row.errors > 0);
  if (errors.length > 0) {
    process.stderr.write(`Requests failed in: ${errors.map((row) => row.id).join(', ')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
