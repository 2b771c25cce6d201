import { deepFreeze } from '../../src/cache/deep-freeze';

describe('deepFreeze()', () => {
  it('freezes an object, its arrays and the objects inside them', () => {
    const session = deepFreeze({ user: { id: 'u' }, locations: [{ city: 'denver' }] });
    expect(Object.isFrozen(session)).toBe(true);
    expect(Object.isFrozen(session.user)).toBe(true);
    expect(Object.isFrozen(session.locations)).toBe(true);
    expect(Object.isFrozen(session.locations[0])).toBe(true);
  });

  it('leaves alone what is enumerable on Object.prototype, which is not the session’s', () => {
    const inherited = { note: 'set by someone else' };
    Object.defineProperty(Object.prototype, 'inheritedByAll', {
      value: inherited,
      enumerable: true,
      configurable: true,
    });
    try {
      deepFreeze({ user: { id: 'u' } });
      expect(Object.isFrozen(inherited)).toBe(false);
    } finally {
      delete (Object.prototype as Record<string, unknown>).inheritedByAll;
    }
  });
});
