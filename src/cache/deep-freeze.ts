/**
 * One session object serves every request that hits its cache entry, so a route that changed
 * `req.pingSession` would change it for the others: freezing makes that a TypeError instead.
 * Own fields only, by `Object.keys`: `Object.values`, which V8 runs in its runtime for each
 * object, was a fifth of the cost of keeping a session read from Redis, and `for…in` would
 * also reach what an app (or a polluted prototype) made enumerable on `Object.prototype`.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    const fields = value as Record<string, unknown>;
    const names = Object.keys(fields);
    for (let i = 0; i < names.length; i += 1) {
      const child = fields[names[i]!];
      if (typeof child === 'object' && child !== null) deepFreeze(child);
    }
  }
  return value;
}
