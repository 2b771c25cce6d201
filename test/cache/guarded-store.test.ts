import { guardStore } from '../../src/cache/guarded-store';
import { createLookupSeal } from '../../src/cache/lookup-seal';
import type { LogDetails, PingSession, SessionStore, StoredLookup } from '../../src';
import { sessionJson } from '../helpers/session-json';

const seal = createLookupSeal('the-key-secret-of-these-tests-0123456789');

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
    expect(await guardStore(store, 50, recordingLogger(), seal).get('k')).toBe(entry);
  });

  it('answers a miss instead of throwing when the store fails', async () => {
    const { store, set } = switchableStore();
    set('failing');
    const guarded = guardStore(store, 50, recordingLogger(), seal);
    await expect(guarded.get('k')).resolves.toBeUndefined();
    await expect(guarded.delete('k')).resolves.toBeUndefined();
  });

  it('gives up on a store that does not answer within the timeout', async () => {
    const { store, set } = switchableStore();
    set('hanging');
    const started = Date.now();
    await expect(guardStore(store, 50, recordingLogger(), seal).get('k')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('logs an outage once, however many calls fail, and its end once', async () => {
    const { store, set } = switchableStore();
    const logger = recordingLogger();
    const guarded = guardStore(store, 50, logger, seal);
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
    await guardStore(store, 50, logger, seal).get('k');
    expect(logger.lines[0]?.details.error).toBe('Error (ECONNREFUSED)');
    expect(JSON.stringify(logger.lines)).not.toContain('pingone-session:abc');
  });

  it.each([
    ['a string', 'not an entry'],
    ['an entry without validUntil', { session: null }],
    ['a session without an id', { session: { user: { id: 'u' } }, validUntil: 1 }],
  ])('treats %s from the store as a miss', async (_case, value) => {
    const store: SessionStore = { get: () => value as StoredLookup, set() {}, delete() {} };
    await expect(guardStore(store, 50, recordingLogger(), seal).get('k')).resolves.toBeUndefined();
  });

  it('seals what it writes: the store gets the entry with a tag bound to its key', async () => {
    const written: StoredLookup[] = [];
    const store: SessionStore = {
      get: () => undefined,
      set: (_k, v) => void written.push(v),
      delete() {},
    };
    const session = sessionJson('6c8e1e1d-3f0e-4c86-9a60-0d4a4b3e9d21') as unknown as PingSession;
    await guardStore(store, 50, recordingLogger(), seal).set('k', { ...entry, session }, 1000);
    expect(written[0]?.seal).toEqual(expect.any(String));
    expect(seal.verify('k', written[0]!)).toBe(true);
    expect(seal.verify('another-key', written[0]!)).toBe(false);
  });
});

describe('an entry read back from a shared store', () => {
  const session = sessionJson('6c8e1e1d-3f0e-4c86-9a60-0d4a4b3e9d21') as unknown as PingSession;
  const sealed = seal.seal('k', { ...entry, session });

  async function read(value: unknown) {
    const deleted: string[] = [];
    const logger = recordingLogger();
    const store: SessionStore = {
      get: () => value as StoredLookup,
      set() {},
      delete: (key) => void deleted.push(key),
    };
    const got = await guardStore(store, 50, logger, seal).get('k');
    return { got, deleted, events: logger.lines.map((line) => line.details.event) };
  }

  it('is taken when its seal matches', async () => {
    expect(await read(sealed)).toEqual({ got: sealed, deleted: [], events: [] });
  });

  it.each([
    ['without a seal', { ...sealed, seal: undefined }],
    ['sealed under another key', seal.seal('other', { ...entry, session })],
    [
      'sealed with another keySecret',
      createLookupSeal('x'.repeat(32)).seal('k', { ...entry, session }),
    ],
    [
      'whose session was swapped',
      { ...sealed, session: { ...session, user: { id: 'someone-else' } } },
    ],
    ['whose lifetime was stretched', { ...sealed, validUntil: sealed.validUntil + 3_600_000 }],
  ])('is refused and deleted, and the logger told, when %s', async (_case, value) => {
    expect(await read(value)).toEqual({
      got: undefined,
      deleted: ['k'],
      events: ['session_store_entry_rejected'],
    });
  });

  it('is taken without a seal when it holds no session: a sign-out marker can only deny', async () => {
    expect((await read(entry)).got).toEqual(entry);
  });
});
