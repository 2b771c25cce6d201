import { createUpstream, type UpstreamSend } from '../../src/client/http';
import { createResilientSend, type RetryKind } from '../../src/client/resilient-send';
import { retryAfterMs } from '../../src/client/retry-after';
import { startUpstreamServer } from '../helpers/upstream-server';

const silent = { warn() {}, info() {} };

/** The real sender, counting the attempts that reach it. */
function countingSend() {
  const send = createUpstream();
  let attempts = 0;
  const counted: UpstreamSend = (request) => {
    attempts += 1;
    return send(request);
  };
  return { counted, attempts: () => attempts };
}

async function refusedUrl(): Promise<string> {
  const server = await startUpstreamServer(() => undefined);
  await server.close();
  return `${server.url}/v1/environments/x/sessions/me`;
}

async function attemptsAgainstRefusedPort(retry: RetryKind) {
  const { counted, attempts } = countingSend();
  const send = createResilientSend(
    counted,
    {
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10, budgetMs: 5000 },
      timeoutMs: 1000,
      circuitBreaker: false,
      maxConcurrentUpstream: 4,
      maxQueuedUpstream: 4,
    },
    silent,
  );
  const outcome = send({
    operation: 'POST sessions/me',
    method: 'POST',
    url: await refusedUrl(),
    headers: {},
    body: '',
    timeoutMs: 1000,
    retry,
    lane: retry === 'unsent' ? 'reset' : 'read',
  });
  await expect(outcome).rejects.toMatchObject({ code: 'ERR_PINGONE_CONNECT' });
  return attempts();
}

describe('a resilient send', () => {
  it('sends a logout again when the connection was refused: it never reached PingOne', async () => {
    expect(await attemptsAgainstRefusedPort('unsent')).toBe(3);
  });

  it('sends a read again when the connection was refused', async () => {
    expect(await attemptsAgainstRefusedPort('idempotent')).toBe(3);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');

  it.each([
    ['seconds', '7', 7000],
    ['zero seconds', '0', 0],
    ['an HTTP date', 'Mon, 23 Nov 2026 10:00:03 GMT', 3000],
    ['a date in the past', 'Mon, 23 Nov 2026 09:00:00 GMT', 0],
  ])('reads %s', (_case, value, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });

  it.each([
    ['absent', undefined],
    ['garbage', 'soon'],
    ['negative', '-5'],
  ])('is undefined when %s', (_case, value) => {
    expect(retryAfterMs(value, now)).toBeUndefined();
  });
});
