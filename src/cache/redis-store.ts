import { Redis, type ChainableCommander } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { ConfigError } from '../core/errors';
import {
  sharedAttemptCounter,
  type AttemptCounter,
  type AttemptLimit,
  type AttemptStore,
} from './attempt-counter';
import { sealedTextOf } from './lookup-seal';
import { watchForSilence } from './redis-heartbeat';
import {
  digest,
  END_SESSION_SCRIPT,
  fromSealedText,
  SEALED,
  SESSION_ENDED,
  SET_SCRIPT,
  signedOutMarker,
} from './redis-format';
import type { SessionStore, StoreListener, StoredLookup } from './session-store';

export interface RedisStoreOptions {
  /**
   * An `ioredis` client (standalone or Sentinel) to use; the store also opens one more connection
   * from it, with `duplicate()`, to hear other instances' sign-outs. It stays yours to close.
   */
  client?: Redis;
  /** Or a `redis://` / `rediss://` URL: the store opens its own connections and closes them in `close()`. */
  url?: string;
  /** Prefix of every key and of the pub/sub channel. Default: `'pingone-session:'`. */
  prefix?: string;
  /**
   * How long a signed-out token's marker stays, keeping out any lookup of it that started before
   * the sign-out and lands after. Default: `300000` (5 minutes).
   */
  signedOutTtlMs?: number;
}

const DEFAULT_PREFIX = 'pingone-session:';
/**
 * For connections the store opens. ioredis otherwise arms a 2 s timer on close that a connection
 * which never came up (Redis down) never clears, keeping the process alive after `close()`.
 */
const OWN_CONNECTION = { disconnectTimeout: 0 } as const;
const DEFAULT_SIGNED_OUT_TTL_MS = 300_000;
/** Sign-outs kept for sending again while Redis is away; the oldest go first past this. */
const MAX_UNDELIVERED = 10_000;

class RedisStoreError extends Error {
  override readonly name = 'RedisStoreError';
  readonly code = 'NOT_CONNECTED';
}

/**
 * Session lookups in Redis, shared by every app instance using the same Redis and `keySecret`.
 * A sign-out replaces the entry with a marker of no session and is published, so every instance
 * drops its in-memory copy at once. Entries hold the session JSON (user and session IDs, IP
 * addresses), never a token; keys are keyed hashes. Sign-in flows in progress are kept under
 * `<prefix>flow:`, sealed (AES-GCM) before they reach Redis.
 */
export class RedisStore implements SessionStore, AttemptStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #signedOutTtlMs: number;
  readonly #listeners: StoreListener[] = [];
  #subscriber: Redis | undefined;
  #stopHeartbeat: (() => void) | undefined;
  /**
   * Sign-outs that could not be written or published (Redis away), by key, with when they
   * happened: sent again when the connection is back, so other instances still hear them.
   */
  readonly #undelivered = new Map<string, number>();
  readonly #redeliver = () => void this.#deliverMissed();
  #closed = false;
  /** Pending while the first connection attempt is under way. */
  #firstAttempt: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    const { client, url } = options ?? {};
    if ((client === undefined) === (url === undefined)) {
      throw new ConfigError(
        'ERR_PINGONE_REDIS_STORE',
        client === undefined
          ? 'RedisStore needs client (an ioredis client) or url (redis://…); neither was given.'
          : 'RedisStore needs either client (an ioredis client) or url (redis://…), not both.',
      );
    }
    // Duck-typed: an app may hold a client from another copy of ioredis than this package's.
    if (client !== undefined && typeof client?.duplicate !== 'function') {
      throw new ConfigError(
        'ERR_PINGONE_REDIS_STORE',
        'RedisStore client must be an ioredis Redis client (new Redis(…)).',
      );
    }
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#channel = `${this.#prefix}signed-out`;
    this.#signedOutTtlMs = options.signedOutTtlMs ?? DEFAULT_SIGNED_OUT_TTL_MS;
    if (!Number.isInteger(this.#signedOutTtlMs) || this.#signedOutTtlMs < 1) {
      throw new ConfigError(
        'ERR_PINGONE_REDIS_STORE',
        'RedisStore signedOutTtlMs must be a whole number of milliseconds, at least 1.',
      );
    }
    this.#ownsClient = client === undefined;
    // Commands fail at once while disconnected, instead of queueing: the caller then asks PingOne.
    this.#client =
      client ?? new Redis(String(url), { enableOfflineQueue: false, ...OWN_CONNECTION });
    if (this.#ownsClient) this.#client.on('error', ignore);
    this.#client.on('ready', this.#redeliver);
    if (this.#client.status === 'wait') this.#client.connect().catch(ignore);
    if (this.#client.status !== 'ready') this.#firstAttempt = this.#settled(this.#client);
  }

  async get(key: string): Promise<StoredLookup | undefined> {
    const raw = await (await this.#ready()).get(this.#prefix + key);
    if (raw === null) return undefined;
    try {
      return raw.startsWith(SEALED) ? fromSealedText(raw) : (JSON.parse(raw) as StoredLookup);
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: StoredLookup, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.floor(ttlMs));
    const client = await this.#ready();
    if (value.session === null) {
      await client.set(this.#prefix + key, JSON.stringify(value), 'PX', px, 'NX');
      return;
    }
    const sessionId = value.session.id;
    const text = sealedTextOf(value);
    await client.eval(
      SET_SCRIPT,
      3,
      this.#prefix + key,
      this.#sessionIndex(sessionId),
      this.#sessionEnded(sessionId),
      text !== undefined && typeof value.seal === 'string'
        ? `${SEALED}${value.seal}.${text}`
        : JSON.stringify(value),
      px,
    );
  }

  async deleteSession(sessionId: string): Promise<void> {
    const ttl = this.#signedOutTtlMs;
    await (
      await this.#ready()
    ).eval(
      END_SESSION_SCRIPT,
      2,
      this.#sessionIndex(sessionId),
      this.#sessionEnded(sessionId),
      signedOutMarker(ttl),
      ttl,
      this.#channel,
      this.#prefix.length,
      SESSION_ENDED + sessionId,
    );
  }

  async invalidate(key: string): Promise<void> {
    await execAll(
      (await this.#ready())
        .multi()
        .del(this.#prefix + key)
        .publish(this.#channel, key),
    );
  }

  /** Session IDs are not secrets (entries hold them), but are hashed to a fixed, safe length. */
  #sessionIndex(sessionId: string): string {
    return `${this.#prefix}session:${digest(sessionId)}`;
  }

  #sessionEnded(sessionId: string): string {
    return `${this.#prefix}ended:${digest(sessionId)}`;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.#signOut(key, this.#signedOutTtlMs);
    } catch (error) {
      this.#undelivered.delete(key);
      this.#undelivered.set(key, Date.now());
      if (this.#undelivered.size > MAX_UNDELIVERED) {
        this.#undelivered.delete(this.#undelivered.keys().next().value!);
      }
      throw error;
    }
  }

  /** Writes the signed-out marker for `ttlMs` and tells every instance, in one transaction. */
  async #signOut(key: string, ttlMs: number): Promise<void> {
    await execAll(
      (await this.#ready())
        .multi()
        .set(this.#prefix + key, signedOutMarker(ttlMs), 'PX', ttlMs)
        .publish(this.#channel, key),
    );
  }

  /**
   * Sends again the sign-outs made while Redis was away, for what is left of their marker's
   * time: an instance that kept a copy meanwhile drops it on hearing them.
   */
  async #deliverMissed(): Promise<void> {
    for (const [key, at] of [...this.#undelivered]) {
      const left = at + this.#signedOutTtlMs - Date.now();
      try {
        if (left > 0) await this.#signOut(key, left);
        if (this.#undelivered.get(key) === at) this.#undelivered.delete(key);
      } catch {
        return;
      }
    }
  }

  async getFlow(key: string): Promise<string | undefined> {
    return (await (await this.#ready()).get(`${this.#prefix}flow:${key}`)) ?? undefined;
  }

  async setFlow(key: string, value: string, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.floor(ttlMs));
    await (await this.#ready()).set(`${this.#prefix}flow:${key}`, value, 'PX', px);
  }

  async replaceFlow(key: string, value: string, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.floor(ttlMs));
    await (await this.#ready()).set(`${this.#prefix}flow:${key}`, value, 'PX', px, 'XX');
  }

  /**
   * Attempts counted in Redis (`<prefix>limit:<name>:<key>`), so that every instance shares one
   * count; while Redis fails, each instance counts in its own memory.
   */
  attemptCounter(limit: AttemptLimit, timeoutMs: number): AttemptCounter {
    const shared = new RateLimiterRedis({
      storeClient: this.#client,
      keyPrefix: `${this.#prefix}limit:${limit.name}`,
      points: limit.limit,
      duration: limit.windowMs / 1000,
      rejectIfRedisNotReady: true,
    });
    return sharedAttemptCounter(shared, limit, timeoutMs);
  }

  async deleteFlow(key: string): Promise<void> {
    await (await this.#ready()).del(`${this.#prefix}flow:${key}`);
  }

  subscribe(listener: StoreListener): void {
    this.#listeners.push(listener);
    if (this.#subscriber) return;
    // A connection of its own: one in subscriber mode cannot send other commands. It subscribes
    // again on every reconnect, after which whatever was published meanwhile counts as missed.
    const subscriber = this.#client.duplicate({
      enableOfflineQueue: false,
      autoResubscribe: false,
      lazyConnect: false,
      ...OWN_CONNECTION,
    });
    this.#subscriber = subscriber;
    // 'unknown' until the first subscription succeeds or the connection fails.
    let hearing: 'unknown' | 'yes' | 'no' = 'unknown';
    subscriber.on('error', ignore);
    subscriber.on('ready', () => {
      subscriber.subscribe(this.#channel).then(() => {
        if (hearing === 'no') for (const each of this.#listeners) each.missed();
        hearing = 'yes';
      }, ignore);
    });
    subscriber.on('close', () => {
      if (hearing === 'no' || this.#closed) return;
      hearing = 'no';
      for (const each of this.#listeners) each.unavailable?.();
    });
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.#channel) return;
      if (message.startsWith(SESSION_ENDED)) {
        const sessionId = message.slice(SESSION_ENDED.length);
        for (const each of this.#listeners) each.sessionEnded?.(sessionId);
      } else {
        for (const each of this.#listeners) each.deleted(message);
      }
    });
    // Silence is as unheard as a closed socket. Reconnecting (rather than waiting for the ping)
    // also leaves a socket that a failover or partition killed without telling anyone.
    this.#stopHeartbeat = watchForSilence(subscriber, () => {
      if (hearing !== 'yes' || this.#closed) return;
      hearing = 'no';
      for (const each of this.#listeners) each.unavailable?.();
      subscriber.disconnect(true);
    });
  }

  /** Closes the connections the store opened; a client you passed in stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopHeartbeat?.();
    this.#client.off('ready', this.#redeliver);
    await Promise.all([
      this.#subscriber && closeConnection(this.#subscriber),
      this.#ownsClient && closeConnection(this.#client),
    ]);
  }

  /**
   * The client, if connected. Requests that come while the store is first connecting wait for
   * that attempt (the caller's timeout bounds the wait), so an app taking traffic as it starts
   * does not report an outage; afterwards a lost connection fails at once.
   */
  async #ready(): Promise<Redis> {
    if (this.#firstAttempt) await this.#firstAttempt;
    if (this.#client.status !== 'ready') throw new RedisStoreError('Redis is not connected');
    return this.#client;
  }

  /** Resolves when the connection attempt under way has succeeded or failed. */
  #settled(connection: Redis): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        connection.off('ready', done);
        connection.off('close', done);
        this.#firstAttempt = undefined;
        resolve();
      };
      connection.on('ready', done);
      connection.on('close', done);
    });
  }
}

function ignore(): void {}

/** Runs a transaction; rejects if it was aborted or any of its commands failed. */
async function execAll(transaction: ChainableCommander): Promise<void> {
  const results = await transaction.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) throw failed?.[0] ?? new RedisStoreError('transaction aborted');
}

/** Resolves once the socket is gone, so nothing of the store outlives `close()`. */
function closeConnection(connection: Redis): Promise<void> {
  const open = connection.status === 'ready' || connection.status === 'connect';
  const ended = open ? new Promise<void>((resolve) => connection.once('end', resolve)) : undefined;
  connection.disconnect();
  return ended ?? Promise.resolve();
}
