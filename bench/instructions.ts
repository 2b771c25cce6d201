/*
 * npm run bench:instructions: the per-request cost of the ratio scenarios counted in CPU
 * instructions by valgrind's callgrind, which, unlike requests per second, does not move with
 * whatever else a shared machine is doing: the same build counts within about 2% run to run.
 *
 * Each server runs bench/server.js under callgrind with `node --single-threaded` (so GC and
 * compilation are counted on the thread that pays for them), and gets sequential requests on one
 * keep-alive connection: a warm-up long enough for V8 to settle, then a counted stretch. With
 * 10 000 tokens, the warm-up starts with one pass through them, which caches every one (reading
 * PingOne and writing Redis), and then runs its full length on the path that is counted: with
 * the pass inside the 12 000, the lookup from Redis had 2 000 requests to settle, and V8 was
 * still compiling it (and the Redis client's reply decoding) while counted, some 30 000
 * instructions a request. Counting is switched on and off around it with
 * callgrind_control, so start-up and warm-up are left out. The heap is not collected before
 * counting: that was tried, and V8 then collects the small heap far more often and recompiles
 * flushed code, which is not the steady state a server lives in.
 *
 * The young generation is held at 16 MB, V8's largest here, where a loaded server's stays.
 * Under callgrind a request takes some 50 times as long, so V8 sees a low allocation rate and
 * may shrink it; bare Express then counted about 645 000 instructions per request instead of
 * 565 000 (62 000 more in scavenges alone), in three runs of five.
 *
 * Two processes per scenario: a server could settle into a state where it counts 60 000 to
 * 80 000 more per request, so the lower of two counts is kept, and both are shown.
 *
 * Wall time. A count must not depend on how fast the machine runs callgrind, yet some of a
 * server's work comes by the clock, not by the request: timers (Node's Date header, the store's
 * heartbeat, and the JIT compiling a timer's callback once it has run often enough), and V8's
 * collector scheduling by time (the memory reducer, incremental-marking and scavenge tasks).
 * Another 2-core machine counted a one-token hit at 0.873 × bare Express against 0.968 × here;
 * with `BENCH_SLOW=1` (callgrind simulating caches too: the same instructions, three times
 * slower) bare Express counted 684 153 against 651 335, and the slow run's extra was timers
 * (86 million instructions, 81 million of them a TurboFan compile inside a timer) and GC tasks.
 * So the servers run with `--no-memory-reducer --no-incremental-marking-task
 * --no-minor-gc-task` (collection then comes by allocation only, as the request pays it), and
 * the instructions of timer callbacks (`uv__run_timers`, inclusive) are left out of the count.
 * Then normal and slow runs agree: bare 571 017 / 566 716, one-token hit 580 982 / 580 204.
 * `--predictable-gc-schedule` was tried again and left out: it fixes the heap's growth so small
 * that bare Express counted 827 035.
 */
import { execFile, execFileSync, fork, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startBenchRedis, type BenchRedis } from './bench-redis';
import { ask, cookiesFor } from './ipc';
import {
  INSTRUCTION_TARGETS,
  RELATIVE_INSTRUCTION_TARGETS,
  SCENARIOS,
  type Scenario,
} from './scenarios';

const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP_REQUESTS ?? 12_000);
// A full collection comes every 5 000 to 10 000 requests: 20 000 counted take in several, so
// where one falls moves the count less.
const COUNTED_REQUESTS = Number(process.env.BENCH_COUNTED_REQUESTS ?? 20_000);
// Each scenario is counted in this many server processes, and the lowest count kept: see
// "Two processes per scenario" above.
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 2);
// BENCH_ONLY=hit-10k counts bare Express and the scenarios named (no results written); it may
// name any scenario without upstream latency, redis-only included.
const ONLY = process.env.BENCH_ONLY?.split(',');
// BENCH_CALLGRIND_DIR=dir keeps callgrind's files there, for callgrind_annotate.
const KEEP_DIR = process.env.BENCH_CALLGRIND_DIR;
// BENCH_SLOW=1 has callgrind simulate caches and branches too: the same instructions, some three
// times slower, as a slower machine runs them. A count that moves with it depends on wall time.
const SLOW = process.env.BENCH_SLOW === '1';
// Node flags of the counted servers (see "Wall time" above).
const NODE_FLAGS = (
  process.env.BENCH_NODE_FLAGS ??
  '--no-memory-reducer --no-incremental-marking-task --no-minor-gc-task'
)
  .split(' ')
  .filter(Boolean);
const IDS = ONLY
  ? ['bare', ...ONLY.filter((id) => id !== 'bare')]
  : ['bare', 'no-cookie', 'hit', 'hosted-hit', 'hit-10k'];
const here = __dirname;
const resultsDir = path.resolve(here, '../..');
const control = promisify(execFile);

function requireValgrind(): void {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('bench:instructions needs valgrind: apt-get install valgrind');
  }
}

/**
 * Under callgrind a request takes about 50 times as long, so the 30 s default lifetime of a cached
 * lookup would run out several times within the count, and each refresh (a PingOne call, and the
 * re-optimisation of code that had only seen hits) would be counted as part of a hit. For the
 * same reason the store gets its longest timeout: a Redis answer that a collection under
 * callgrind delayed past the default 100 ms sent the lookup to PingOne instead (an HTTP call,
 * and deoptimised HTTP client code, counted as a lookup from Redis), as often as collections
 * happened to fall, which moved redis-only by some 60 000 instructions run to run.
 */
function forCallgrind(scenario: Scenario): Scenario {
  if (scenario.app !== 'pingSession') return scenario;
  const cache = (scenario.options?.cache ?? {}) as Record<string, unknown>;
  return {
    ...scenario,
    options: {
      ...scenario.options,
      cache: { ...cache, ttlMs: 3_600_000, ...(scenario.redis && { storeTimeoutMs: 10_000 }) },
    },
  };
}

/** One request on the shared keep-alive connection; resolves once the body is read. */
function hello(port: number, agent: Agent, cookie: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = cookie === undefined ? {} : { cookie };
    get({ host: '127.0.0.1', port, path: '/hello', agent, headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`/hello answered ${res.statusCode}`));
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

async function count(
  scenario: Scenario,
  settings: Record<string, string>,
  tokens: string[],
  dir: string,
  redis: BenchRedis,
  run: number,
): Promise<{ perRequest: number; fullCollections: number }> {
  const outFile = path.join(dir, `callgrind.${scenario.id}.${run + 1}`);
  const server = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      ...(SLOW ? ['--cache-sim=yes', '--branch-sim=yes'] : []),
      `--callgrind-out-file=${outFile}`,
      process.execPath,
      '--single-threaded',
      '--min-semi-space-size=16',
      ...NODE_FLAGS,
      path.join(here, 'server.js'),
    ],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        ...process.env,
        BENCH_SCENARIO: JSON.stringify(forCallgrind(scenario)),
        BENCH_SETTINGS: JSON.stringify(settings),
        ...redis.env(scenario),
      },
    },
  );
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const { port } = await ask<{ port: number }>(server, 'ready');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let next = 0;
  const send = async (times: number) => {
    for (let i = 0; i < times; i += 1) {
      await hello(port, agent, tokens.length ? tokens[next++ % tokens.length] : undefined);
    }
  };
  await send((tokens.length > 1 ? tokens.length : 0) + WARMUP_REQUESTS);
  await control('callgrind_control', ['-i', 'on', String(server.pid)]);
  await send(COUNTED_REQUESTS);
  await control('callgrind_control', ['-i', 'off', String(server.pid)]);
  agent.destroy();
  server.kill('SIGINT');
  await exited;
  const text = await readFile(outFile, 'utf8');
  const totals = /^totals:\s*(\d+)/m.exec(text);
  if (!totals) throw new Error(`${scenario.id}: callgrind wrote no totals`);
  return {
    perRequest: (Number(totals[1]) - (await timerInstructions(outFile))) / COUNTED_REQUESTS,
    fullCollections: callsTo(text, 'v8::internal::Heap::MarkCompact()'),
  };
}

/**
 * How often the counted stretch called `fn`, from callgrind's file: its call edges (`cfn=`
 * then `calls=`), `fn` named by its compressed id after its first mention. Full collections
 * are shown beside each count: one is some 20 000 instructions per request of a 10 000-request
 * stretch, and whether a stretch holds one more is most of two processes' difference.
 */
function callsTo(text: string, fn: string): number {
  const named = new RegExp(`^c?fn=\\((\\d+)\\) ${fn.replace(/[()]/g, '\\$&')}$`, 'm').exec(text);
  if (!named) return 0;
  const edge = new RegExp(`^cfn=\\(${named[1]}\\)(?: .*)?\ncalls=(\\d+)`, 'gm');
  let calls = 0;
  for (const [, n] of text.matchAll(edge)) calls += Number(n);
  return calls;
}

/**
 * Instructions spent in timer callbacks (libuv's `uv__run_timers`, inclusive): they fire by the
 * clock, not by the request, so a slower machine fits more of them into the same requests.
 */
async function timerInstructions(outFile: string): Promise<number> {
  const { stdout } = await control(
    'callgrind_annotate',
    ['--inclusive=yes', '--show=Ir', '--threshold=100', outFile],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const line = stdout.split('\n').find((l) => l.includes(':uv__run_timers '));
  return line === undefined ? 0 : Number(/^\s*([\d,]+)/.exec(line)![1]!.replaceAll(',', ''));
}

async function main(): Promise<void> {
  requireValgrind();
  const started = Date.now();
  const dir = KEEP_DIR ?? (await mkdtemp(path.join(tmpdir(), 'pingone-instructions-')));
  const scenarios = IDS.map((id) => SCENARIOS.find((s) => s.id === id)!);
  const redis = await startBenchRedis(scenarios);
  const emulator = fork(path.join(here, 'emulator-process.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { settings } = await ask<{ settings: Record<string, string> }>(emulator, 'ready');
    const tokens = new Map<string, string[]>();
    for (const scenario of scenarios) tokens.set(scenario.id, await cookiesFor(scenario, emulator));
    const perRequest = new Map<string, number[]>(scenarios.map((s) => [s.id, []]));
    const collections = new Map<string, number[]>(scenarios.map((s) => [s.id, []]));
    // Two at a time on two cores: callgrind counts the same whatever runs beside it.
    const queue = Array.from({ length: PROCESSES }, (_, run) =>
      scenarios.map((scenario) => ({ scenario, run })),
    ).flat();
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { scenario, run } = next;
        process.stderr.write(`counting (${run + 1}/${PROCESSES}): ${scenario.title}\n`);
        const counted = await count(scenario, settings, tokens.get(scenario.id)!, dir, redis, run);
        perRequest.get(scenario.id)!.push(Math.round(counted.perRequest));
        collections.get(scenario.id)!.push(counted.fullCollections);
      }
    };
    await Promise.all([worker(), worker()]);
    const bare = Math.min(...perRequest.get('bare')!);
    const rows = scenarios.map((s) => {
      const counts = perRequest.get(s.id)!;
      const instructions = Math.min(...counts);
      const ratio = bare / instructions;
      const relative = RELATIVE_INSTRUCTION_TARGETS[s.id];
      const to = relative && perRequest.get(relative.of);
      const times = to?.length ? instructions / Math.min(...to) : undefined;
      const target = INSTRUCTION_TARGETS[s.id];
      const judged =
        relative && times !== undefined
          ? {
              target: `≤ ${relative.atMost} × ${relative.of}: ${times.toFixed(3)}`,
              pass: times <= relative.atMost,
            }
          : {
              target: target === undefined ? undefined : `≥ ${target}`,
              pass: ratio >= (target ?? 0),
            };
      const fullCollections = collections.get(s.id)!;
      return { id: s.id, title: s.title, instructions, counts, fullCollections, ratio, ...judged };
    });
    const md = [
      `callgrind, node --single-threaded --min-semi-space-size=16 ${process.version}; one keep-alive connection, ${WARMUP_REQUESTS} warm-up requests, then ${COUNTED_REQUESTS} counted; each scenario in ${PROCESSES} server processes, the lowest count kept.`,
      '',
      '| scenario | instructions per request | each process (full collections counted) | bare ÷ scenario | target |',
      '| --- | ---: | ---: | ---: | --- |',
      ...rows.map(
        (r) =>
          `| ${r.title} | ${r.instructions} | ${r.counts.map((n, i) => `${n} (${r.fullCollections[i]})`).join(', ')} | ${r.ratio.toFixed(3)} | ${r.target === undefined ? '' : `${r.target}: ${r.pass ? 'pass' : '**fail**'}`} |`,
      ),
    ].join('\n');
    process.stdout.write(`\n${md}\n\nTook ${Math.round((Date.now() - started) / 1000)} s.\n`);
    if (ONLY) return;
    writeFileSync(path.join(resultsDir, 'instructions.md'), md + '\n');
    writeFileSync(
      path.join(resultsDir, 'instructions.json'),
      JSON.stringify(
        {
          node: process.version,
          warmup: WARMUP_REQUESTS,
          counted: COUNTED_REQUESTS,
          processes: PROCESSES,
          rows,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    emulator.kill();
    await redis.stop();
    if (!KEEP_DIR) await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
