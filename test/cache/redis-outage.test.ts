import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

describe('a process whose Redis crashes, restarts and hangs under traffic', () => {
  it('answers every request correctly and never dies of an unhandled rejection', async () => {
    const { stdout } = await run(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'test/fixtures/redis-outage.ts'],
      { cwd: path.resolve(__dirname, '../..'), timeout: 30_000 },
    );
    const result = JSON.parse(stdout) as { requests: number; wrong: number[]; events: string[] };
    expect(result.requests).toBeGreaterThan(100);
    expect(result.wrong).toEqual([]);
    // The store's own calls see at least two outages, the crash and the hang, each told once
    // when it starts and once when it ends. A loaded machine can add one: a store call slower
    // than storeTimeoutMs is an outage too.
    const storeEvents = result.events.filter((event) => !event.includes('heard'));
    expect(storeEvents.length).toBeGreaterThanOrEqual(4);
    expect(storeEvents).toEqual(
      storeEvents.map((_event, i) =>
        i % 2 === 0 ? 'session_store_unavailable' : 'session_store_recovered',
      ),
    );
    // Its pub/sub connection sees both: the crash closes it, and the hang, which keeps it open,
    // goes unanswered by its heartbeat.
    expect(result.events.filter((event) => event.includes('heard'))).toEqual([
      'session_store_unheard',
      'session_store_heard',
      'session_store_unheard',
      'session_store_heard',
    ]);
  }, 40_000);
});
