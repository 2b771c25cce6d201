import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AccessTokens } from './access-tokens';
import { Accounts } from './accounts';
import { DEMO_PASSWORD } from './demo-users';
import { emulatorHandle, type EmulatorParts } from './emulator-handle';
import type { Emulator, EmulatorCounts, EmulatorOptions } from './emulator-types';
import { Faults } from './faults';
import { RateLimit } from './rate-limit';
import { isLoopbackHostname } from '../http/loopback';
import type { RecordedRequest } from './request-record';
import { createRequestHandler } from './server';
import { SessionStore } from './session-store';
import { SignOnFlows } from './sign-on-flows';

export type { Emulator, EmulatorCounts, EmulatorOptions } from './emulator-types';

/** Starts a PingOne emulator on this machine for tests, scripts and `npm start`. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  // Longer than most functions here: the wiring of the emulator's parts from the options, in one
  // place, with no logic of its own.
  const now = options.now ?? Date.now;
  const environmentId = options.environmentId ?? randomUUID();
  const clientId = options.clientId ?? randomUUID();
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
  const signInClientId = options.signInClientId ?? randomUUID();
  const signInClientSecret = options.signInClientSecret ?? randomBytes(24).toString('base64url');
  const demoPassword = options.demoPassword ?? DEMO_PASSWORD;
  const accessTokens = new AccessTokens(now, options.accessTokenLifetimeSeconds ?? 3600);
  const requests: RecordedRequest[] = [];
  const counts: EmulatorCounts = { sessionReads: 0, sessionResets: 0, tokenRequests: 0 };
  const held: { until?: Promise<void> } = {};
  const faults = new Faults();
  for (const fault of options.faults ?? []) faults.add(fault);
  const timers = new Set<NodeJS.Timeout>();

  const listenHost = checkListenHost(options);
  if (process.env.NODE_ENV === 'production') {
    process.emitWarning(
      'A PingOne emulator is starting with NODE_ENV=production: it signs anybody in with a demo ' +
        'password. It is for development and tests only.',
      { code: 'PINGONE_EMULATOR_IN_PRODUCTION' },
    );
  }
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, listenHost, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  const apiPath = `${url}/v1`;
  // Session links name the API URL, which needs the port: requests are taken from here on (no
  // I/O callback can run before this synchronous continuation of the listen).
  const store = new SessionStore(environmentId, apiPath, now, options.idleTimeoutInMinutes ?? 30);
  const accounts = new Accounts(
    {
      password: demoPassword,
      lockoutFailures: options.lockoutFailures ?? 5,
      lockoutSeconds: options.lockoutSeconds ?? 900,
    },
    now,
  );
  const flows = new SignOnFlows({
    refusals: options.refusals ?? 'documented',
    signInPolicy: options.signInPolicy ?? 'sign-on',
    inlineCode: options.inlineCode ?? false,
    idTokenSubject: options.idTokenSubject ?? 'id',
    environmentId,
    url,
    signInClientId,
    signInClientSecret,
    accounts,
    sessions: store,
    now,
    log: options.log ?? (() => {}),
  });
  server.on(
    'request',
    createRequestHandler({
      environmentId,
      apiPath,
      clientId,
      clientSecret,
      sessions: store,
      flows,
      accessTokens,
      requests,
      maxRecordedRequests: options.maxRecordedRequests ?? 10_000,
      counts,
      held,
      faults,
      resetReads: options.resetReads ?? 'not-found',
      workerEnvironmentId: options.workerEnvironmentId,
      readLimit:
        options.sessionReadsPerSecond === undefined
          ? undefined
          : new RateLimit(options.sessionReadsPerSecond, Date.now),
      timers,
    }),
  );
  const parts: EmulatorParts = {
    server,
    url,
    apiPath,
    environmentId,
    clientId,
    clientSecret,
    signInClientId,
    signInClientSecret,
    demoPassword,
    cookieSecret: randomBytes(32).toString('base64url'),
    now,
    store,
    accounts,
    flows,
    faults,
    accessTokens,
    requests,
    counts,
    held,
    timers,
  };
  return emulatorHandle(parts);
}

/** Loopback addresses only, unless `allowRemote` says otherwise knowingly. */
function checkListenHost(options: EmulatorOptions): string {
  const host = options.listenHost ?? '127.0.0.1';
  const loopback = isLoopbackHostname(host) || host === '::1' || host === 'localhost';
  if (!loopback && options.allowRemote !== true) {
    throw new Error(
      `startEmulator(): listenHost ${JSON.stringify(host)} can be reached from other machines, ` +
        'and the emulator signs anybody in with a demo password. Listen on 127.0.0.1, or pass ' +
        'allowRemote: true if that is what you mean (in a container, say).',
    );
  }
  return host;
}
