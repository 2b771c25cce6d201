import { compactSession } from '../../src/cache/compact-session';
import { deepFreeze } from '../../src/cache/deep-freeze';
import type { PingSession } from '../../src/core/session';
import { sessionJson } from '../helpers/session-json';

const ENVIRONMENT = '3b9e7f20-1c4d-4e8a-9f6b-2a5c7d8e9f01';
/** PingOne's answer for another user's session, as the client parses it. */
function answer(n: number, overrides: Record<string, unknown> = {}) {
  const id = `c2df5627-c9d6-46e1-8bbe-b5ace90${String(n).padStart(5, '0')}`;
  const userId = `07e1ee43-9f56-4254-8cfb-1709b5e${String(n).padStart(5, '0')}`;
  const api = `https://api.pingone.com/v1/environments/${ENVIRONMENT}`;
  const text = JSON.stringify(
    sessionJson(ENVIRONMENT, {
      id,
      user: { id: userId },
      _links: {
        self: { href: `${api}/sessions/${id}` },
        environment: { href: api },
        user: { href: `${api}/users/${userId}` },
      },
      ...overrides,
    }),
  );
  return { text, session: JSON.parse(text) as PingSession };
}

describe('compactSession()', () => {
  it('keeps the session exactly as PingOne sent it, in JSON and in its fields', () => {
    const { text, session } = answer(1);
    const compacted = compactSession(session);
    expect(JSON.stringify(compacted)).toBe(text);
    expect(compacted).toEqual(JSON.parse(text));
    expect({ ...compacted._links }).toEqual(JSON.parse(text)._links);
  });

  it("shares the parts that repeat between users' sessions", () => {
    const a = compactSession(answer(1).session);
    const b = compactSession(answer(2).session);
    expect(b.environment).toBe(a.environment);
    expect(b.browser).toBe(a.browser);
    expect(b.operatingSystem).toBe(a.operatingSystem);
    expect(b.device).toBe(a.device);
    expect(b.lastSignOn!.policy).toBe(a.lastSignOn!.policy);
    expect(b.lastSignOn!.authenticators).toBe(a.lastSignOn!.authenticators);
  });

  it('freezes what it shares, so no route can change another user’s session through it', () => {
    const session = compactSession(answer(1).session);
    expect(Object.isFrozen(session.browser)).toBe(true);
    expect(Object.isFrozen(session.lastSignOn!.policy)).toBe(true);
  });

  it("keeps each session's own parts its own", () => {
    const a = compactSession(answer(1).session);
    const b = compactSession(answer(2).session);
    expect(b.user).not.toBe(a.user);
    expect(b.locations).not.toBe(a.locations);
    expect(b._links!.self.href).not.toBe(a._links!.self.href);
  });

  it('keeps links that do not name the session and its user as they came', () => {
    const { session } = answer(1, {
      _links: { self: { href: 'https://elsewhere.example/s/1' }, environment: { href: 'x' } },
    });
    const links = session._links;
    expect(compactSession(session)._links).toBe(links);
  });

  it('leaves a frozen (already cached) session as it is', () => {
    const session = deepFreeze(answer(1).session);
    expect(compactSession(session)).toBe(session);
  });

  it('shares a part only with one of the same fields in the same order', () => {
    const a = compactSession(answer(1).session);
    const reordered = answer(2, { browser: { version: '103.0', name: 'Firefox' } });
    const b = compactSession(reordered.session);
    expect(b.browser).not.toBe(a.browser);
    expect(JSON.stringify(b)).toBe(reordered.text);
  });

  it('shares a part only with one of the same kind and the same fields', () => {
    const a = compactSession(answer(1).session);
    const asObject = answer(2, { lastSignOn: { ...a.lastSignOn, authenticators: { 0: 'pwd' } } });
    const longer = answer(3, { browser: { name: 'Firefox', version: '103.0', build: '1' } });
    const shorter = answer(4, { browser: { name: 'Firefox' } });
    const b = compactSession(asObject.session);
    const c = compactSession(longer.session);
    const d = compactSession(shorter.session);
    expect(d.browser).not.toBe(a.browser);
    expect(JSON.stringify(d)).toBe(shorter.text);
    expect(b.lastSignOn!.authenticators).not.toBe(a.lastSignOn!.authenticators);
    expect(JSON.stringify(b)).toBe(asObject.text);
    expect(c.browser).not.toBe(a.browser);
    expect(JSON.stringify(c)).toBe(longer.text);
  });

  it('still shares a part after many others of its kind were seen', () => {
    const a = compactSession(answer(1).session);
    for (let n = 2; n < 30; n += 1) {
      compactSession(answer(n, { browser: { name: 'Firefox', version: `${n}.0` } }).session);
    }
    expect(compactSession(answer(30).session).browser).toBe(a.browser);
  });

  it('freezes the links it derives, so freezing the session need not read them', () => {
    const session = compactSession(answer(1).session);
    expect(Object.isFrozen(session._links)).toBe(true);
  });

  it('freezes every object in the session, fields it does not know included', () => {
    const session = compactSession(
      answer(1, { extra: { nested: { deep: [1] } }, user: { id: 'u', name: { given: 'A' } } })
        .session as PingSession & { extra: { nested: { deep: number[] } } },
    );
    const { locations, lastSignOn } = session;
    for (const part of [
      session,
      session.user,
      session.extra.nested.deep,
      (session.user as unknown as { name: object }).name,
      locations,
      locations![0],
      lastSignOn,
      lastSignOn!.withAuthenticator,
      Object.values(lastSignOn!.withAuthenticator!)[0],
    ]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
  });

  it('freezes every object in a session shaped unlike PingOne documents it', () => {
    const odd = { odd: { nested: [{}] } };
    const session = compactSession(
      answer(1, {
        _links: { self: odd },
        userAgent: odd,
        createdAt: odd,
        browser: { name: odd },
        locations: [{ at: odd, remoteIp: odd, city: odd, extra: odd }],
        lastSignOn: {
          at: odd,
          policy: { id: odd },
          withAuthenticator: { pwd: { at: odd, policy: odd, extra: odd } },
          extra: odd,
        },
      }).session,
    );
    const open: string[] = [];
    (function walk(value: unknown, path: string) {
      if (typeof value !== 'object' || value === null) return;
      if (!Object.isFrozen(value)) open.push(path);
      for (const [name, child] of Object.entries(value)) walk(child, `${path}.${name}`);
    })(session, 'session');
    expect(open).toEqual([]);
  });
});
