/**
 * One session object serves every request that hits its cache entry, so a route that changed
 * `req.pingSession` would change it for the others: freezing makes that a TypeError instead.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
