/*
 * Heap per cached session: fills the session cache with 100 000 realistic sessions
 * (realistic-session.ts, parsed from JSON as the client gets them) and prints the heap growth per
 * entry.
 * Run with --expose-gc by `npm run bench`.
 */
import { realisticSessionCache } from './realistic-session-cache';

const ENTRIES = 100_000;

async function main(): Promise<void> {
  const { cache, jsonBytes } = await realisticSessionCache(ENTRIES);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const tokens = Array.from({ length: ENTRIES }, (_, i) => `token-${i}-${'x'.repeat(20)}`);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (const token of tokens) await cache.lookup(token);
  gc();
  const after = process.memoryUsage().heapUsed;
  const bytesPerEntry = (after - before) / ENTRIES;
  // Used after the measurement, so that the collector cannot free the cache before it.
  if (cache.lookup(tokens[ENTRIES - 1]!) instanceof Promise)
    throw new Error('entries were dropped');
  process.stdout.write(
    JSON.stringify({ entries: ENTRIES, sessionJsonBytes: jsonBytes, bytesPerEntry }) + '\n',
  );
}

void main();
