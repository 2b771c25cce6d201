import { randomBytes } from 'node:crypto';
import type { SerializedCookieJar } from 'tough-cookie';
import type { FlowStore } from '../../cache/flow-store';
import { withTimeout } from '../../cache/with-timeout';
import { createSealer } from '../../cache/sealed-values';

/** A device the person may pick, as the browser is told of it: an ID and a name, nothing else. */
export interface SignInDevice {
  id: string;
  name: string;
}

/** What this server remembers of one sign-in between the browser's steps. Never a password. */
export interface FlowRecord {
  flowId: string;
  /** PingOne's status after the last step. */
  status: string;
  codeVerifier: string;
  state: string;
  nonce: string;
  /** Where the browser goes once signed in: already checked to be safe. */
  returnTo: string;
  /**
   * The browser's session token, when the flow signs its user on again (a step-up): PingOne may
   * keep the session and its token, or end it for a new one.
   */
  reauthenticating?: string;
  /** A step-up's fields (`max_age`, `prompt`, `authenticators`), posted back with each step. */
  stepUp?: Record<string, string>;
  /** Every cookie PingOne set during the flow, replayed on its later calls as a browser would. */
  cookies: SerializedCookieJar;
  devices?: SignInDevice[];
  username?: string;
  /** The code a completed flow carried itself, and the state it echoed: no resume needed. */
  completedWith?: { code: string; state?: string };
}

/** PingOne forgets a flow after 15 minutes without a call; so does this server. */
export const FLOW_TTL_MS = 15 * 60_000;
/** A flow handle: 32 random bytes, base64url. */
const HANDLE = /^[A-Za-z0-9_-]{43}$/;

export interface FlowRecords {
  /** A new unguessable handle for the browser's flow cookie. */
  newHandle(): string;
  load(handle: string): Promise<FlowRecord | undefined>;
  /** Keeps the record of a handle the browser has not been given yet. */
  add(handle: string, record: FlowRecord): Promise<void>;
  /** Keeps the record of a flow under way, unless it was deleted meanwhile. */
  save(handle: string, record: FlowRecord): Promise<void>;
  delete(handle: string): Promise<void>;
}

/**
 * Flow records sealed with AES-256-GCM under a key derived (HKDF) from `secret`, stored under a
 * keyed hash of the handle. A store, or a dump of it, shows neither the handles nor PingOne's
 * cookies; a record cannot be moved to another key, since the key is the cipher's additional data.
 * Without a secret (a single process), a random one. A store call that takes longer than
 * `timeoutMs` fails, so a frozen store cannot hold a sign-in open.
 */
export function createFlowRecords(
  store: FlowStore,
  secret: string | undefined,
  timeoutMs: number,
): FlowRecords {
  const sealer = createSealer(secret, 'sign-in flow');
  const open = (key: string, sealed: unknown) => sealer.open(key, sealed) as FlowRecord | undefined;

  return {
    newHandle: () => randomBytes(32).toString('base64url'),
    async load(handle) {
      if (!HANDLE.test(handle)) return undefined;
      const key = sealer.keyOf(handle);
      return open(key, await withTimeout(() => store.getFlow(key), timeoutMs));
    },
    async add(handle, record) {
      const key = sealer.keyOf(handle);
      const sealed = sealer.seal(key, record);
      await withTimeout(() => store.setFlow(key, sealed, FLOW_TTL_MS), timeoutMs);
    },
    async save(handle, record) {
      const key = sealer.keyOf(handle);
      const sealed = sealer.seal(key, record);
      const replace = store.replaceFlow?.bind(store) ?? store.setFlow.bind(store);
      await withTimeout(() => replace(key, sealed, FLOW_TTL_MS), timeoutMs);
    },
    async delete(handle) {
      if (!HANDLE.test(handle)) return;
      const key = sealer.keyOf(handle);
      await withTimeout(() => store.deleteFlow(key), timeoutMs);
    },
  };
}
