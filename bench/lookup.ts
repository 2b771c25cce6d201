/*
 * npm run bench:lookup: the session cache's lookup alone, outside Express and HTTP, with one
 * cached session against 10 000. Separates what a cache hit costs in this library's own code from
 * what the wall-clock benches measure around it. Prints a table; writes nothing.
 */
import { realisticSessionCache } from './realistic-session-cache';

const ENTRIES = 10_000;
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 200_000);
const ROUNDS = 7;

interface Case {
  title: string;
  /** How many tokens the lookups go round. */
  tokens: number;
  /** Whether the caller has the cache key already, as the middleware does on a known connection. */
  keyKnown: boolean;
}

async function main(): Promise<void> {
  const { cache } = await realisticSessionCache(ENTRIES);
  // Shaped like the emulator's tokens (32 random bytes, base64url).
  const tokens = Array.from({ length: ENTRIES }, (_, i) => String(i).padStart(43, 'x'));
  for (const token of tokens) await cache.lookup(token);
  const keys = tokens.map((token) => cache.keyOf(token));

  // A connection's first request pays the keyed hash; its later ones find the key remembered.
  const cases: Case[] = [
    { title: 'one token, keyed hash each time', tokens: 1, keyKnown: false },
    { title: '10 000 tokens, keyed hash each time', tokens: ENTRIES, keyKnown: false },
    { title: 'one token, key known', tokens: 1, keyKnown: true },
    { title: '10 000 tokens, key known', tokens: ENTRIES, keyKnown: true },
  ];

  const timings = new Map<Case, number[]>(cases.map((c) => [c, []]));
  // Rounds alternate the cases, so that a slow spell of the machine is shared among them.
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const c of cases) timings.get(c)!.push(nanosPerLookup(cache.lookup, tokens, keys, c));
  }

  const lines = [
    `${LOOKUPS} lookups per round, ${ROUNDS} rounds; ns per lookup.`,
    '',
    '| lookup | median | fastest | slowest |',
    '| --- | ---: | ---: | ---: |',
    ...cases.map((c) => {
      const sorted = timings.get(c)!.sort((a, b) => a - b);
      const ns = (value: number) => value.toFixed(0);
      return `| ${c.title} | ${ns(sorted[ROUNDS >> 1]!)} | ${ns(sorted[0]!)} | ${ns(sorted[ROUNDS - 1]!)} |`;
    }),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function nanosPerLookup(
  lookup: (token: string, key?: string) => unknown,
  tokens: string[],
  keys: string[],
  c: Case,
): number {
  const started = process.hrtime.bigint();
  for (let i = 0; i < LOOKUPS; i += 1) {
    const at = i % c.tokens;
    const found = lookup(tokens[at]!, c.keyKnown ? keys[at] : undefined);
    if (found instanceof Promise) throw new Error('a lookup missed the cache');
  }
  return Number(process.hrtime.bigint() - started) / LOOKUPS;
}

void main();
