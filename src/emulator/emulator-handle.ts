import type { Server } from 'node:http';
import type { AccessTokens } from './access-tokens';
import type { Accounts } from './accounts';
import type { Emulator, EmulatorCounts } from './emulator-types';
import type { Faults } from './faults';
import type { RecordedRequest } from './request-record';
import { emulatorPaths } from './server';
import type { SessionStore } from './session-store';
import type { SignOnFlows } from './sign-on-flows';
import { signInThroughApp } from './hosted-kit';
import { faultsFor, sessionFor } from './test-kit';

/** What a running emulator is made of. */
export interface EmulatorParts {
  server: Server;
  /** The emulator's origin: its auth host. */
  url: string;
  apiPath: string;
  environmentId: string;
  clientId: string;
  clientSecret: string;
  signInClientId: string;
  signInClientSecret: string;
  demoPassword: string;
  /** The cookie secret `options({ signIn: 'hosted' })` gives the app. */
  cookieSecret: string;
  now: () => number;
  store: SessionStore;
  accounts: Accounts;
  flows: SignOnFlows;
  faults: Faults;
  accessTokens: AccessTokens;
  requests: RecordedRequest[];
  /** Calls of each kind received, counted apart from the bounded `requests`. */
  counts: EmulatorCounts;
  /** While set, answers wait for it. */
  held: { until?: Promise<void> };
  /** Latency timers under way, cleared on close. */
  timers: Set<NodeJS.Timeout>;
}

/**
 * The running emulator as tests and scripts hold it: its settings, its state, its controls. One
 * object literal of one-line controls, longer than most functions for that alone.
 */
export function emulatorHandle(parts: EmulatorParts): Emulator {
  const { url, apiPath, environmentId, clientId, clientSecret, signInClientId } = parts;
  const { signInClientSecret, demoPassword, store, flows, faults, accessTokens, requests } = parts;
  return {
    ...settingsOf(parts),
    lastOtp: (username) => flows.lastOtp(username),
    requests,
    counts: () => ({ ...parts.counts }),
    options: ({ signIn = false, redirectUri } = {}) => ({
      environmentId,
      apiPath,
      authPath: url,
      clientId,
      clientSecret,
      ...(signIn && {
        signIn:
          signIn === 'redirectless'
            ? { mode: 'redirectless', clientId: signInClientId, clientSecret: signInClientSecret }
            : {
                mode: 'hosted',
                clientId: signInClientId,
                clientSecret: signInClientSecret,
                redirectUri: redirectUri ?? 'http://localhost:3000/auth/callback',
                cookieSecret: parts.cookieSecret,
              },
      }),
    }),
    signInHosted: (app, user, { path, ...overrides } = {}) =>
      signInThroughApp(
        app,
        () => store.create(sessionFor(user, overrides, parts.now())),
        path === undefined ? {} : { path },
      ),
    signIn(user, overrides = {}) {
      const { token, session } = store.create(sessionFor(user, overrides, parts.now()));
      return { cookie: `ST=${token}`, token, session };
    },
    simulate(condition, conditionOptions) {
      const removers = faultsFor(condition, conditionOptions).map((fault) => faults.add(fault));
      return () => removers.forEach((remove) => remove());
    },
    reset() {
      store.clear();
      flows.clear();
      parts.accounts.clear();
      faults.clear();
      releases.get(parts.held)?.();
      requests.length = 0;
      Object.assign(parts.counts, { sessionReads: 0, sessionResets: 0, tokenRequests: 0 });
    },
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    hold: () => hold(parts.held),
    createSession: (sessionOptions) => store.create(sessionOptions),
    sessionState: (token) => store.state(token),
    resetSession: (token) => void store.reset(token),
    touchSession: (token) => void store.touch(token),
    issueAccessToken: () => accessTokens.issue(),
    revokeAccessTokens: () => accessTokens.revokeAll(),
    secrets: () => [
      clientSecret,
      signInClientSecret,
      demoPassword,
      ...accessTokens.issued,
      ...store.tokens(),
      ...flows.issued,
    ],
    close: () => close(parts),
  };
}

function settingsOf(parts: EmulatorParts) {
  const { url, apiPath, environmentId, clientId, clientSecret } = parts;
  return {
    url,
    apiPath,
    authPath: url,
    signOnUrl: `${url}${emulatorPaths(environmentId).signOn}`,
    environmentId,
    clientId,
    clientSecret,
    signInClientId: parts.signInClientId,
    signInClientSecret: parts.signInClientSecret,
    demoPassword: parts.demoPassword,
  };
}

/** The release of the answers held now, if any. */
const releases = new WeakMap<EmulatorParts['held'], () => void>();

function hold(held: EmulatorParts['held']): () => void {
  let resolve!: () => void;
  const until = new Promise<void>((done) => (resolve = done));
  held.until = until;
  const releaseThis = () => {
    if (held.until === until) delete held.until;
    resolve();
  };
  releases.set(held, releaseThis);
  return releaseThis;
}

function close({ server, timers }: EmulatorParts): Promise<void> {
  return new Promise((resolve, reject) => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
