export { RedisStore } from '../cache/redis-store';
export type { RedisStoreOptions } from '../cache/redis-store';
