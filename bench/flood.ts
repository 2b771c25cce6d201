/*
 * Floods and soaks, with the numbers SECURITY.md quotes; `npm run soak` (bench/soak.ts) runs
 * them and checks their bounds. Everything is real: an emulator on a loopback port, an Express
 * app on another, HTTP over keep-alive sockets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pingSession, type LogDetails, type PingSessionOptions } from '../src';
import { startEmulator, type Emulator, type EmulatorOptions } from '../src/emulator';

interface Rig {
  emulator: Emulator;
  events: LogDetails[];
  /** GET /me with this token, from this address (X-Forwarded-For; the app trusts it). */
  me(token: string, from?: string): Promise<{ status: number; body: string }>;
  logout(token: string): Promise<number>;
  close(): Promise<void>;
}

async function startRig(
  options: PingSessionOptions,
  emulatorSettings: EmulatorOptions = {},
  sockets = 100,
): Promise<Rig> {
  const emulator = await startEmulator(emulatorSettings);
  const events: LogDetails[] = [];
  const log = (_message: string, details: LogDetails) => void events.push(details);
  const app = express();
  app.set('trust proxy', true);
  app.use(pingSession({ ...emulator.options(), logger: { warn: log, info: log }, ...options }));
  app.get('/me', (req, res) => res.json(req.pingSession?.id ?? null));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });

  const send = (method: string, path: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  return {
    emulator,
    events,
    me: (token, from) =>
      send('GET', '/me', { Cookie: `ST=${token}`, ...(from ? { 'X-Forwarded-For': from } : {}) }),
    logout: async (token) =>
      (await send('POST', '/logout', { Cookie: `ST=${token}`, 'Sec-Fetch-Site': 'same-origin' }))
        .status,
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await emulator.close();
    },
  };
}

/** Runs `loops` loops at once, handing out running numbers until `more(n)` is false. */
async function inLoops(
  loops: number,
  more: (n: number) => boolean,
  step: (n: number) => Promise<void>,
) {
  let next = 0;
  await Promise.all(
    Array.from({ length: loops }, async () => {
      for (let n = next++; more(n); n = next++) await step(n);
    }),
  );
}

const reads = (emulator: Emulator) => emulator.counts().sessionReads;
const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
const count = (events: LogDetails[], event: LogDetails['event']) =>
  events.filter((details) => details.event === event).length;

export interface FloodReport {
  requests: number;
  clients: number;
  pingOneReads: number;
  /** What the unknown-token budget allows in the time taken: burst + refill, per client. */
  budgetBound: number;
  /** Signed-in users, cached before the flood, that needed a PingOne read again after it. */
  usersEvicted: number;
  elapsedMs: number;
}

/**
 * `requests` requests, each with a new made-up `ST`, from `clients` addresses, against an app
 * with the default options; `users` signed-in users were looked up (so cached) just before.
 */
export async function madeUpTokenFlood(settings: {
  requests: number;
  clients: number;
  users: number;
}): Promise<FloodReport> {
  // Entries live far longer than the flood, so a user read again was pushed out, not expired.
  const rig = await startRig({ cache: { ttlMs: 3_600_000 } });
  try {
    const users = Array.from({ length: settings.users }, () => rig.emulator.createSession().token);
    for (const [i, token] of users.entries()) await rig.me(token, address(1_000_000 + i));
    const before = reads(rig.emulator);
    const started = Date.now();
    await inLoops(
      100,
      (n) => n < settings.requests,
      async (n) => void (await rig.me(`made-up-${n}`, address(n % settings.clients))),
    );
    const elapsedMs = Date.now() - started;
    const pingOneReads = reads(rig.emulator) - before;
    for (const [i, token] of users.entries()) await rig.me(token, address(1_000_000 + i));
    return {
      requests: settings.requests,
      clients: settings.clients,
      pingOneReads,
      budgetBound: settings.clients * Math.ceil(30 + (60 * elapsedMs) / 60_000),
      usersEvicted: reads(rig.emulator) - before - pingOneReads,
      elapsedMs,
    };
  } finally {
    await rig.close();
  }
}

export interface RateLimitedFloodReport {
  floodRequests: number;
  logouts: number;
  /** Logouts answered 204. */
  logoutsAnswered: number;
  /** Their sessions, reset at PingOne afterwards. */
  logoutsReachedPingOne: number;
  /** Breakers opened, by lane. */
  breakerOpened: Record<string, number>;
}

/**
 * `loops` attacker loops with made-up tokens, each from its own address (so no budget stops
 * them), for `durationMs`, against PingOne limiting session reads to `readsPerSecond`; meanwhile
 * `logouts` signed-in users sign out, one after another.
 */
export async function rateLimitedFlood(settings: {
  durationMs: number;
  loops: number;
  readsPerSecond: number;
  logouts: number;
}): Promise<RateLimitedFloodReport> {
  const rig = await startRig({}, { sessionReadsPerSecond: settings.readsPerSecond });
  try {
    const users = Array.from(
      { length: settings.logouts },
      () => rig.emulator.createSession().token,
    );
    const ends = Date.now() + settings.durationMs;
    const flood = inLoops(
      settings.loops,
      () => Date.now() < ends,
      async (n) => void (await rig.me(`made-up-${n}`, address(n))),
    );
    let logoutsAnswered = 0;
    for (const token of users) {
      await new Promise((resolve) => setTimeout(resolve, settings.durationMs / (users.length + 1)));
      if ((await rig.logout(token)) === 204) logoutsAnswered += 1;
    }
    await flood;
    const breakerOpened: Record<string, number> = {};
    for (const details of rig.events) {
      if (details.event !== 'pingone_circuit_open') continue;
      const lane = String(details.lane);
      breakerOpened[lane] = (breakerOpened[lane] ?? 0) + 1;
    }
    return {
      floodRequests: reads(rig.emulator),
      logouts: users.length,
      logoutsAnswered,
      logoutsReachedPingOne: users.filter((t) => rig.emulator.sessionState(t) === 'reset').length,
      breakerOpened,
    };
  } finally {
    await rig.close();
  }
}

export interface FaultSoakReport {
  durationMs: number;
  lookups: number;
  lookupsFailed: number;
  logouts: number;
  logoutsFailed: number;
  breakerOpened: number;
  pingOneCallsFailed: number;
}

/**
 * `loops` users for `durationMs` (or `maxLookups`), each reading its session with the cache off (every request a
 * PingOne call) and signing out and in again every 20 requests, against a PingOne failing
 * `faultRate` of session calls with 500: the breaker must not take a failure rate for an outage.
 */
export async function faultSoak(settings: {
  durationMs: number;
  loops: number;
  faultRate: number;
  /** Stop early after this many lookups: a fixed amount of work on a busy machine. */
  maxLookups?: number;
}): Promise<FaultSoakReport> {
  const rig = await startRig(
    { cache: false, unknownTokenBudget: false, onUpstreamError: 'fail-closed' },
    { faults: [{ status: 500, rate: settings.faultRate }] },
  );
  try {
    let lookups = 0;
    let lookupsFailed = 0;
    let logouts = 0;
    let logoutsFailed = 0;
    const ends = Date.now() + settings.durationMs;
    await Promise.all(
      Array.from({ length: settings.loops }, async () => {
        let token = rig.emulator.createSession().token;
        const going = () => Date.now() < ends && lookups < (settings.maxLookups ?? Infinity);
        for (let n = 1; going(); n += 1) {
          if (n % 20 === 0) {
            logouts += 1;
            if ((await rig.logout(token)) !== 204) logoutsFailed += 1;
            token = rig.emulator.createSession().token;
          } else {
            lookups += 1;
            if ((await rig.me(token)).status !== 200) lookupsFailed += 1;
          }
        }
      }),
    );
    return {
      durationMs: settings.durationMs,
      lookups,
      lookupsFailed,
      logouts,
      logoutsFailed,
      breakerOpened: count(rig.events, 'pingone_circuit_open'),
      pingOneCallsFailed: rig.emulator.requests.filter((r) => r.fault).length,
    };
  } finally {
    await rig.close();
  }
}

export interface SharedAddressReport {
  durationMs: number;
  madeUpTokens: number;
  pageLoads: number;
  /** Page loads of signed-in users answered without their session. */
  bounced: number;
}

/**
 * `users` signed-in users and someone sending `madeUpPerSecond` made-up cookies, all from one
 * address (a NAT, a proxy without `trust proxy`), for longer than the cache keeps an entry: the
 * users' reads once their entries expire must not be refused for the made-up cookies' sake.
 */
export async function sharedAddressFlood(settings: {
  durationMs: number;
  users: number;
  madeUpPerSecond: number;
}): Promise<SharedAddressReport> {
  const rig = await startRig({ cache: { ttlMs: 5_000 } });
  const from = '10.0.0.1';
  try {
    const ends = Date.now() + settings.durationMs;
    let madeUpTokens = 0;
    const attacker = (async () => {
      while (Date.now() < ends) {
        await rig.me(`made-up-${madeUpTokens++}`, from);
        await new Promise((resolve) => setTimeout(resolve, 1000 / settings.madeUpPerSecond));
      }
    })();
    let pageLoads = 0;
    let bounced = 0;
    await Promise.all(
      Array.from({ length: settings.users }, async () => {
        const token = rig.emulator.createSession().token;
        while (Date.now() < ends) {
          pageLoads += 1;
          if ((await rig.me(token, from)).body === 'null') bounced += 1;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }),
    );
    await attacker;
    return { durationMs: settings.durationMs, madeUpTokens, pageLoads, bounced };
  } finally {
    await rig.close();
  }
}

export interface SignInFloodReport {
  emptyPosts: number;
  stuffingPosts: number;
  authorizeCalls: number;
  passwordChecks: number;
  refused: number;
  /** Whether a user at another address signed in (with a one-time code) during the flood. */
  otherUserSignedIn: boolean;
  elapsedMs: number;
}

/**
 * One address posts `emptyPosts` empty sign-in posts (each would start a flow), another `stuffing`
 * username/password pairs, 100 at a time, while a user at another address signs in with a
 * one-time code: signIn.limits' defaults must bound what reaches PingOne, and the user's flow
 * must survive.
 */
export async function signInFlood(settings: {
  emptyPosts: number;
  stuffing: number;
}): Promise<SignInFloodReport> {
  const rig = await startRig({}, { lockoutFailures: 1_000_000 });
  const signInApp = express();
  signInApp.set('trust proxy', true);
  signInApp.use(
    pingSession({ ...rig.emulator.options({ signIn: 'redirectless' }), logger: false }),
  );
  const server = signInApp.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
  const post = (fields: object, from: string, cookie?: string) =>
    new Promise<{ status: number; cookie?: string; body: string }>((resolve, reject) => {
      const body = JSON.stringify(fields);
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/signin',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Sec-Fetch-Site': 'same-origin',
            'X-Forwarded-For': from,
            ...(cookie ? { Cookie: cookie } : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const flow = [res.headers['set-cookie'] ?? []]
              .flat()
              .find((c) => c.startsWith('pingone_flow='));
            resolve({ status: res.statusCode ?? 0, cookie: flow?.split(';')[0], body: text });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    const started = Date.now();
    const user = await post({ username: 'grace', password: rig.emulator.demoPassword }, '10.9.9.9');
    let refused = 0;
    const total = settings.emptyPosts + settings.stuffing;
    await inLoops(
      100,
      (n) => n < total,
      async (n) => {
        // Empty posts from one address, stuffing from another: each limit is met on its own.
        const [fields, from] =
          n < settings.emptyPosts
            ? [{}, '10.0.0.1']
            : [{ username: `user-${n}`, password: 'a-wrong-password' }, '10.0.0.2'];
        if ((await post(fields, from)).status === 429) refused += 1;
      },
    );
    const done = await post({ otp: rig.emulator.lastOtp('grace') }, '10.9.9.9', user.cookie);
    const requests = rig.emulator.requests;
    return {
      emptyPosts: settings.emptyPosts,
      stuffingPosts: settings.stuffing,
      authorizeCalls: requests.filter((r) => r.url.includes('/as/authorize')).length,
      passwordChecks: requests.filter((r) =>
        String(r.headers['content-type']).includes('usernamePassword.check'),
      ).length,
      refused,
      otherUserSignedIn: done.body.includes('COMPLETED'),
      elapsedMs: Date.now() - started,
    };
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rig.close();
  }
}
