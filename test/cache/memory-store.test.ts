import { createHook } from 'node:async_hooks';
import { MemoryStore } from '../../src';
import { sleep } from '../helpers/wait';

const entry = { session: null, validUntil: Date.now() + 60_000, checkedAt: Date.now() };

describe('MemoryStore', () => {
  it('gives back what was set, at once', () => {
    const store = new MemoryStore();
    store.set('k', entry, 1000);
    expect(store.get('k')).toBe(entry);
  });

  it('forgets every entry holding a session, by the session ID', () => {
    const store = new MemoryStore();
    const of = (id: string) => ({ ...entry, session: { id } as never });
    store.set('phone', of('s1'), 1000);
    store.set('laptop', of('s1'), 1000);
    store.set('other', of('s2'), 1000);
    store.set('none', entry, 1000);
    store.deleteSession('s1');
    expect(['phone', 'laptop', 'other', 'none'].map((k) => store.get(k) !== undefined)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });

  it('forgets an entry after its time to live', async () => {
    const store = new MemoryStore();
    store.set('k', entry, 30);
    await sleep(60);
    expect(store.get('k')).toBeUndefined();
  });

  it('forgets a deleted entry', () => {
    const store = new MemoryStore();
    store.set('k', entry, 1000);
    store.delete('k');
    expect(store.get('k')).toBeUndefined();
  });

  it('drops the least recently used entry beyond max', () => {
    const store = new MemoryStore({ max: 2 });
    store.set('a', entry, 1000);
    store.set('b', entry, 1000);
    store.get('a');
    store.set('c', entry, 1000);
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')).toBe(entry);
    expect(store.size).toBe(2);
  });

  it('starts no timer to look entries up', () => {
    const store = new MemoryStore();
    store.set('k', entry, 1000);
    let timers = 0;
    const hook = createHook({ init: (_id, type) => void (type === 'Timeout' && timers++) });
    hook.enable();
    try {
      for (let i = 0; i < 100; i += 1) store.get('k');
    } finally {
      hook.disable();
    }
    expect(store.get('k')).toBe(entry);
    expect(timers).toBe(0);
  });
});
