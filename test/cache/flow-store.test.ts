import { Redis } from 'ioredis';
import { MemoryFlowStore, type FlowStore } from '../../src/cache/flow-store';
import { RedisStore } from '../../src/redis';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

// A step that ends after its flow was deleted (completed by a step on another instance, failed,
// replaced) must not bring the flow back: replaceFlow keeps a value only where one still is.
let redis: RedisServer;
let client: Redis;
let redisStore: RedisStore;
beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis(redis.url);
  redisStore = new RedisStore({ client });
});
afterAll(async () => {
  await redisStore.close();
  client.disconnect();
  await redis.stop();
});

const stores: [string, () => FlowStore][] = [
  ['MemoryFlowStore', () => new MemoryFlowStore()],
  ['RedisStore', () => redisStore],
];

describe.each(stores)('%s', (_name, storeOf) => {
  it('replaces the value of a flow still kept', async () => {
    const store = storeOf();
    await store.setFlow('kept', 'first', 60_000);
    await store.replaceFlow!('kept', 'second', 60_000);
    expect(await store.getFlow('kept')).toBe('second');
  });

  it('does not bring back a flow deleted meanwhile', async () => {
    const store = storeOf();
    await store.setFlow('gone', 'first', 60_000);
    await store.deleteFlow('gone');
    await store.replaceFlow!('gone', 'late', 60_000);
    expect(await store.getFlow('gone')).toBeUndefined();
  });
});
