import {
  startRedisCluster,
  startRedisServer,
  type RedisCluster,
  type RedisServer,
} from '../test/helpers/redis-server';
import type { Scenario } from './scenarios';

/** The Redis servers the scenarios read: one server, a cluster of three primaries, or both. */
export interface BenchRedis {
  /** `BENCH_REDIS_URL` for the scenario's server: one URL, or the cluster's, comma-separated. */
  env(scenario: Scenario): Record<string, string>;
  stop(): Promise<void>;
}

export async function startBenchRedis(scenarios: Scenario[]): Promise<BenchRedis> {
  const server: RedisServer | undefined = scenarios.some((s) => s.redis === true)
    ? await startRedisServer()
    : undefined;
  const cluster: RedisCluster | undefined = scenarios.some((s) => s.redis === 'cluster')
    ? await startRedisCluster(3)
    : undefined;
  return {
    env(scenario): Record<string, string> {
      if (scenario.redis === 'cluster') return { BENCH_REDIS_URL: cluster!.urls.join(',') };
      return scenario.redis ? { BENCH_REDIS_URL: server!.url } : {};
    },
    async stop() {
      await Promise.all([server?.stop(), cluster?.stop()]);
    },
  };
}
