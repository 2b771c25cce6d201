import { guardStore } from '../../src/cache/guarded-store';
import type { LogDetails, SessionStore, StoredLookup } from '../../src';

const entry: StoredLookup = {
  session: null,
  validUntil: Date.now() + 60_000,
  checkedAt: Date.now(),
};

/** A store whose behaviour the test switches: working, failing, or hanging. */
function switchableStore() {
  let mode: 'up' | 'failing' | 'hanging' = 'up';
  const store: SessionStore = {
    get: () => {
      if (mode === 'failing')
        return Promise.reject(
          Object.assign(new Error('down: pingone-session:abc'), { code: 'ECONNREFUSED' }),
        );
      if (mode === 'hanging') return new Promise(() => undefined);
      return entry;
    },
    set: () => undefined,
    delete: () => {
      if (mode === 'failing') throw new Error('down');
    },
  };
  return { store, set: (next: typeof mode) => (mode = next) };
}

function recordingLogger() {
  const lines: { level: string; message: string; details: LogDetails }[] = [];
  return {
    lines,
    warn: (message: string, details: LogDetails) => lines.push({ level: 'warn', message, details }),
    info: (message: string, details: LogDetails) => lines.push({ level: 'info', message, details }),
  };
}

describe('a guarded shared store', () => {
  it('gives back what the store has', async () => {
    const { store } = switchableStore();
    expect(await guardStore(store, 50, recordingLogger()).get('k')).toBe(entry);
  });

  it('answers a miss instead of throwing when the store fails', async () => {
    const { store, set } = switchableStore();
    set('failing');
    const guarded = guardStore(store, 50, recordingLogger());
    await expect(guarded.get('k')).resolves.toBeUndefined();
    await expect(guarded.delete('k')).resolves.toBeUndefined();
  });

  it('gives up on a store that does not answer within the timeout', async () => {
    const { store, set } = switchableStore();
    set('hanging');
    const started = Date.now();
    await expect(guardStore(store, 50, recordingLogger()).get('k')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('logs an outage once, however many calls fail, and its end once', async () => {
    const { store, set } = switchableStore();
    const logger = recordingLogger();
    const guarded = guardStore(store, 50, logger);
    set('failing');
    for (let i = 0; i < 10; i += 1) await guarded.get('k');
    set('up');
    for (let i = 0; i < 10; i += 1) await guarded.get('k');
    expect(logger.lines.map((line) => [line.level, line.details.event])).toEqual([
      ['warn', 'session_store_unavailable'],
      ['info', 'session_store_recovered'],
    ]);
  });

  it("logs the error's name and code, not its message", async () => {
    const { store, set } = switchableStore();
    const logger = recordingLogger();
    set('failing');
    await guardStore(store, 50, logger).get('k');
    expect(logger.lines[0]?.details.error).toBe('Error (ECONNREFUSED)');
    expect(JSON.stringify(logger.lines)).not.toContain('pingone-session:abc');
  });

  it.each([
    ['a string', 'not an entry'],
    ['an entry without validUntil', { session: null }],
    ['a session without an id', { session: { user: { id: 'u' } }, validUntil: 1 }],
  ])('treats %s from the store as a miss', async (_case, value) => {
    const store: SessionStore = { get: () => value as StoredLookup, set() {}, delete() {} };
    await expect(guardStore(store, 50, recordingLogger()).get('k')).resolves.toBeUndefined();
  });
});
