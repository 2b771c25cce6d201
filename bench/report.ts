/*
 * The bench's report: per-round ratios, the targets and their verdicts, the Markdown table and
 * the SVG chart of docs/performance.md.
 */
import { RATIO_TARGETS } from './scenarios';

export interface Row {
  id: string;
  title: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  upstreamCalls: number;
  cpuMicrosPerRequest: number;
  peakRssMb: number;
  /** Requests per second of each round, in round order: round i of every row ran together. */
  roundRequestsPerSecond: number[];
  /** Requests per second relative to bare Express, paired by round. */
  ratio: Spread;
  /** Each round's requests per second over the bare Express rounds just before and after it. */
  roundRatios: number[];
  errors: number;
}

/**
 * Per-round ratios of one scenario to another, which ran in the same rounds: the median, and the
 * middle half of the rounds (the 2nd and 6th of 7 when sorted). On this project's shared VM,
 * identical rounds differ by up to a third, so the spread is part of the result.
 */
export interface Spread {
  median: number;
  low: number;
  high: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function pairedRatio(of: number[], to: number[]): Spread {
  const ratios = of.map((rps, i) => rps / to[i]!).sort((a, b) => a - b);
  const last = ratios.length - 1;
  return {
    median: median(ratios),
    low: ratios[Math.floor(last / 4)]!,
    high: ratios[Math.ceil((3 * last) / 4)]!,
  };
}

/**
 * `within noise`: the middle half of the rounds lies on both sides of the target, so this run
 * cannot tell.
 */
type Verdict = 'pass' | 'fail' | 'within noise';

interface Target {
  name: string;
  verdict: Verdict;
  measured: string;
}

function atLeast(spread: Spread, min: number): Verdict {
  if (spread.low >= min) return 'pass';
  if (spread.high < min) return 'fail';
  return 'within noise';
}

function spreadText(spread: Spread, digits: number): string {
  return `${spread.median.toFixed(digits)} × (${spread.low.toFixed(digits)}–${spread.high.toFixed(digits)})`;
}

export function targets(rows: Row[], heapBytes: number): Target[] {
  const by = (id: string) => rows.find((row) => row.id === id)!;
  const relative = (name: string, spread: Spread, min: number, digits: number): Target => ({
    name,
    verdict: atLeast(spread, min),
    measured: spreadText(spread, digits),
  });
  return [
    ...Object.entries(RATIO_TARGETS).map(([id, min]) =>
      relative(`${by(id).title} ≥ ${min} × bare Express`, by(id).ratio, min, 3),
    ),
    relative(
      'cache hit ≥ express-session MemoryStore',
      pairedRatio(by('hit').roundRatios, by('express-session').roundRatios),
      1,
      2,
    ),
    relative(
      "cache hit ≥ express-openid-connect's appSession cookie",
      pairedRatio(by('hit').roundRatios, by('express-openid-connect').roundRatios),
      1,
      2,
    ),
    {
      // Replaces "≥ 20 × the naive approach", which measured the number of connections (10 over
      // 20 ms cannot pass 500 req/s), not the product: what a user waits for is latency. The
      // p99s are shown, not judged: on this machine bare Express's own p99 is some 20 ms.
      name: "cache hit's p50 at most a tenth of the naive call's (20 ms PingOne)",
      verdict: by('hit').p50Ms * 10 <= by('naive').p50Ms ? 'pass' : 'fail',
      measured: `hit ${by('hit').p50Ms}/${by('hit').p99Ms} ms, naive ${by('naive').p50Ms}/${by('naive').p99Ms} ms (p50/p99)`,
    },
    {
      name: 'heap per cached session ≤ 1 KB (realistic session)',
      verdict: heapBytes <= 1024 ? 'pass' : 'fail',
      measured: `${Math.round(heapBytes)} B`,
    },
  ];
}

/** How the rounds were run, for the report's first line. */
export interface RunSettings {
  connections: number;
  warmupSeconds: number;
  rounds: number;
  seconds: number;
  rewarmSeconds: number;
}

export function markdown(
  rows: Row[],
  checks: Target[],
  heap: { bytesPerEntry: number; entries: number },
  machine: string,
  run: RunSettings,
): string {
  const { connections, warmupSeconds, rounds, seconds, rewarmSeconds } = run;
  const bare = rows.find((row) => row.id === 'bare')!.roundRequestsPerSecond;
  const lines = [
    `Machine: ${machine}. ${connections} connections; per scenario ${warmupSeconds} s warm-up, then ${rounds} rounds of ${seconds} s, each after ${rewarmSeconds} s of unmeasured load and between two rounds of bare Express (its ratio is to their mean), median round shown. Bare Express ran at ${Math.min(...bare)} to ${Math.max(...bare)} req/s across the rounds. Every scenario is driven by the same per-request hook of autocannon; the route reads the session.`,
    '',
    '| scenario | req/s | × bare | middle half of rounds | p50 ms | p99 ms | PingOne calls | server CPU µs/req | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.title} | ${r.requestsPerSecond} | ${r.ratio.median.toFixed(3)} | ${r.ratio.low.toFixed(3)}–${r.ratio.high.toFixed(3)} | ${r.p50Ms} | ${r.p99Ms} | ${r.upstreamCalls} | ${r.cpuMicrosPerRequest} | ${r.peakRssMb} |`,
    ),
    '',
    `Heap per cached session: ${Math.round(heap.bytesPerEntry)} bytes (${heap.entries} sessions held).`,
    '',
    '| target | measured | |',
    '| --- | ---: | --- |',
    ...checks.map(
      (t) => `| ${t.name} | ${t.measured} | ${t.verdict === 'fail' ? '**fail**' : t.verdict} |`,
    ),
  ];
  return lines.join('\n') + '\n';
}

export function svg(rows: Row[]): string {
  const barHeight = 22;
  const labelWidth = 380;
  const width = 760;
  const scale = (width - labelWidth - 70) / Math.max(1, ...rows.map((r) => r.ratio.high));
  const x = (ratio: number) => (labelWidth + Math.max(1, ratio * scale)).toFixed(1);
  const bars = rows.map((r, i) => {
    const y = 30 + i * (barHeight + 8);
    const middle = y + barHeight / 2;
    const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    return [
      `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escape(r.title)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${Math.max(1, r.ratio.median * scale).toFixed(1)}" height="${barHeight}" fill="${r.id === 'bare' ? '#8a8f98' : '#2f6fdb'}"/>`,
      `<line x1="${x(r.ratio.low)}" x2="${x(r.ratio.high)}" y1="${middle}" y2="${middle}" stroke="#111" stroke-width="2"/>`,
      `<text x="${x(r.ratio.high)}" dx="6" y="${y + 15}">${r.ratio.median.toFixed(2)}×</text>`,
    ].join('');
  });
  const height = 40 + rows.length * (barHeight + 8);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">`,
    `<text x="10" y="18" font-weight="bold">Requests per second relative to bare Express: median round, line over the middle half</text>`,
    ...bars,
    '</svg>',
    '',
  ].join('\n');
}
