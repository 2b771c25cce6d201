/* How npm run bench drives a server: autocannon, with each scenario's cookies. */
import autocannon, { type Options, type Request as CannonRequest, type Result } from 'autocannon';
import request from 'supertest';
import type { Scenario } from './scenarios';

export const CONNECTIONS = 10;

export async function cookieRequests(
  scenario: Scenario,
  tokens: string[],
  base: string,
): Promise<Partial<Options>> {
  if (scenario.cookies === 'express-session' || scenario.cookies === 'app-session') {
    const login = await request(base).get('/login');
    const cookie = (login.headers['set-cookie'] as unknown as string[] | undefined)
      ?.map((line) => line.split(';')[0])
      .join('; ');
    return withHook({ cookie: cookie ?? '' });
  }
  if (tokens.length === 0) return withHook({});
  if (tokens.length === 1) return withHook({ cookie: tokens[0]! });
  return sharedSequence(tokens);
}

/**
 * Fixed headers, set by the same per-request hook as a rotating token's, so that every scenario
 * (bare Express too) is driven down the same path of the load generator.
 */
function withHook(headers: Record<string, string>): Partial<Options> {
  return {
    headers,
    requests: [
      {
        setupRequest: (req: CannonRequest) => ({ ...req, headers: { ...req.headers, ...headers } }),
      },
    ],
  };
}

/**
 * Every request takes the next token of one sequence shared by all connections, so that
 * concurrent requests never share a PingOne (or Redis) lookup.
 */
function sharedSequence(tokens: string[]): Partial<Options> {
  let next = 0;
  return {
    requests: [
      {
        setupRequest: (req: CannonRequest) => ({
          ...req,
          headers: { ...req.headers, cookie: tokens[next++ % tokens.length]! },
        }),
      },
    ],
  };
}

/**
 * autocannon stops at its first sample after `duration`; with its default of one sample a
 * second, a 1.5 s run went on for 2 s. Sampling every 100 ms ends it within 0.1 s of the time
 * asked, and requests per second are counted over the time it really ran.
 */
export function drive(url: string, seconds: number, extra: Partial<Options>): Promise<Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds, sampleInt: 100, ...extra });
}

export function requestsPerSecond(result: Result): number {
  return result.requests.total / result.duration;
}

/** Every token once, spread over the connections: a warm-up that leaves each one cached. */
export function driveEach(url: string, tokens: string[]): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    amount: tokens.length,
    ...sharedSequence(tokens),
  });
}
