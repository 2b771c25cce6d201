import { Cluster, Redis } from 'ioredis';
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
import type { RateBucket, RateBucketStore } from './rate-bucket';
import {
  digest,
  entryOf,
  RATE_BUCKET_SCRIPT,
  SEALED,
  SESSION_ENDED,
  signedOutMarker,
} from './redis-format';
import { isCluster, redisWrites, type RedisClient, type RedisWrites } from './redis-writes';
import type { SessionStore, StoreListener, StoredLookup } from './session-store';

export interface RedisStoreOptions {
  /**
   * An `ioredis` client to use: `new Redis(…)` (one server, or Sentinel) or `new Cluster(…)`
   * (Redis Cluster: ElastiCache/MemoryDB cluster mode, Valkey cluster, Azure's OSS cluster
   * policy). The store also opens one more connection from it, with `duplicate()`, to hear other
   * instances' sign-outs. It stays yours to close.
   */
  client?: Redis | Cluster;
  /**
   * Or a `redis://` / `rediss://` URL, or a list of them (a cluster's nodes): the store opens its
   * own connections and closes them in `close()`.
   */
  url?: string | string[];
  /** With `url`: the URL (or each one) names a node of a Redis Cluster. Default: `true` for a list. */
  cluster?: boolean;
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
/** How soon undelivered sign-outs are tried again, while they fail. */
const REDELIVER_MS = 500;
/** How soon a cluster's listening moves to another node after its node's connection ended. */
const RELISTEN_MS = 250;

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
export class RedisStore implements SessionStore, AttemptStore, RateBucketStore {
  readonly #client: RedisClient;
  readonly #writes: RedisWrites;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #channel: string;
  readonly #signedOutTtlMs: number;
  readonly #listeners: StoreListener[] = [];
  #subscriber: Redis | undefined;
  #listening = false;
  /** The next node connection of a cluster's listening, while one is waited for. */
  #relisten: NodeJS.Timeout | undefined;
  #stopHeartbeat: (() => void) | undefined;
  /**
   * Sign-outs that could not be written or published (Redis away), by key, with when they
   * happened: sent again when the connection is back, so other instances still hear them.
   */
  readonly #undelivered = new Map<string, number>();
  readonly #redeliver = () => void this.#deliverMissed();
  #retry: NodeJS.Timeout | undefined;
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
        'RedisStore client must be an ioredis client (new Redis(…) or new Cluster(…)).',
      );
    }
    if (url !== undefined && !isUrlList(url)) {
      throw new ConfigError(
        'ERR_PINGONE_REDIS_STORE',
        'RedisStore url must be a redis:// or rediss:// URL, or a non-empty list of them.',
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
    this.#client = client ?? ownClient(url!, options.cluster ?? Array.isArray(url));
    this.#writes = redisWrites(this.#client);
    if (this.#ownsClient) this.#client.on('error', ignore);
    this.#client.on('ready', this.#redeliver);
    if (this.#client.status === 'wait') this.#client.connect().catch(ignore);
    if (this.#client.status !== 'ready') this.#firstAttempt = this.#settled(this.#client);
  }

  get(key: string): Promise<StoredLookup | undefined> {
    // Straight to the client when it is up: this is every lookup's path.
    const raw =
      this.#firstAttempt === undefined && this.#client.status === 'ready'
        ? this.#client.getBuffer(this.#prefix + key)
        : this.#ready().then((client) => client.getBuffer(this.#prefix + key));
    return raw.then(entryOf);
  }

  async set(key: string, value: StoredLookup, ttlMs: number): Promise<void> {
    const px = Math.max(1, Math.floor(ttlMs));
    await this.#ready();
    if (value.session === null) {
      await this.#writes.setEntry(this.#prefix + key, JSON.stringify(value), px);
      return;
    }
    const text = sealedTextOf(value);
    await this.#writes.setSession(
      { entry: this.#prefix + key, ...this.#sessionKeys(value.session.id) },
      text !== undefined && typeof value.seal === 'string'
        ? `${SEALED}${value.seal}.${text}`
        : JSON.stringify(value),
      px,
    );
  }

  async deleteSession(sessionId: string): Promise<void> {
    const ttl = this.#signedOutTtlMs;
    await this.#ready();
    await this.#writes.endSession(
      this.#sessionKeys(sessionId),
      signedOutMarker(ttl),
      ttl,
      this.#channel,
      this.#prefix.length,
      SESSION_ENDED + sessionId,
    );
  }

  async invalidate(key: string): Promise<void> {
    await this.#ready();
    await this.#writes.replaceAndPublish(this.#prefix + key, undefined, 0, this.#channel, key);
  }

  /**
   * A session's index and ended marker. Session IDs are not secrets (entries hold them), but are
   * hashed to a fixed, safe length; the hash is the keys' hash tag, so that on a cluster both live
   * in one slot and one script can check and change them together.
   */
  #sessionKeys(sessionId: string): { index: string; ended: string } {
    const tag = `{${digest(sessionId)}}`;
    return { index: `${this.#prefix}session:${tag}`, ended: `${this.#prefix}ended:${tag}` };
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
      this.#retryDelivery();
      throw error;
    }
  }

  /** Writes the signed-out marker for `ttlMs`, then tells every instance. */
  async #signOut(key: string, ttlMs: number): Promise<void> {
    await this.#ready();
    const marker = signedOutMarker(ttlMs);
    await this.#writes.replaceAndPublish(this.#prefix + key, marker, ttlMs, this.#channel, key);
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
        this.#retryDelivery();
        return;
      }
    }
  }

  /**
   * Tries the undelivered sign-outs again soon, and again until they go through: a connection
   * that comes back says so (`ready`), but a cluster whose failed primary's replica takes over
   * stays ready throughout, and its sign-outs would wait for nothing.
   */
  #retryDelivery(): void {
    if (this.#retry !== undefined || this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      // A failed-over primary's slots have a new owner that only a refreshed slot map names.
      if (isCluster(this.#client)) this.#client.refreshSlotsCache();
      void this.#deliverMissed();
    }, REDELIVER_MS);
    this.#retry.unref();
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

  /** A rate bucket in Redis (`<prefix>rate:<name>`), one for every instance sharing the store. */
  rateBucket(name: string, intervalMs: number): RateBucket {
    const client = this.#client as RedisClient & {
      pingoneRateBucket?(key: string, intervalMs: number, toleranceMs: number): Promise<number>;
    };
    if (client.pingoneRateBucket === undefined) {
      client.defineCommand('pingoneRateBucket', { numberOfKeys: 1, lua: RATE_BUCKET_SCRIPT });
    }
    const key = `${this.#prefix}rate:${name}`;
    return {
      take: async (toleranceMs) => {
        await this.#ready();
        return client.pingoneRateBucket!(key, intervalMs, toleranceMs);
      },
    };
  }

  async deleteFlow(key: string): Promise<void> {
    await (await this.#ready()).del(`${this.#prefix}flow:${key}`);
  }

  subscribe(listener: StoreListener): void {
    this.#listeners.push(listener);
    if (this.#listening) return;
    this.#listening = true;
    // 'unknown' until the first subscription succeeds or the connection fails.
    let hearing: 'unknown' | 'yes' | 'no' = 'unknown';
    const unheard = () => {
      if (hearing === 'no' || this.#closed) return;
      hearing = 'no';
      for (const each of this.#listeners) each.unavailable?.();
    };
    const listen = (subscriber: Redis) => {
      this.#subscriber = subscriber;
      subscriber.on('error', ignore);
      subscriber.on('ready', () => {
        subscriber.subscribe(this.#channel).then(() => {
          if (hearing === 'no') for (const each of this.#listeners) each.missed();
          hearing = 'yes';
        }, ignore);
      });
      subscriber.on('close', unheard);
      subscriber.on('message', (channel: string, message: string) => {
        if (channel !== this.#channel) return;
        if (message.startsWith(SESSION_ENDED)) {
          const sessionId = message.slice(SESSION_ENDED.length);
          for (const each of this.#listeners) each.sessionEnded?.(sessionId);
        } else {
          for (const each of this.#listeners) each.deleted(message);
        }
      });
      // A cluster's node connection does not retry: the node may be gone for good (a failover),
      // so the next one is to a node the cluster knows now.
      subscriber.once('end', () => {
        if (!this.#closed && isCluster(this.#client)) this.#onNodeOf(this.#client, listen);
      });
    };
    if (isCluster(this.#client)) this.#onNodeOf(this.#client, listen);
    else listen(listeningCopy(this.#client));
    // Silence is as unheard as a closed socket. Reconnecting (rather than waiting for the ping)
    // also leaves a socket that a failover or partition killed without telling anyone.
    this.#stopHeartbeat = watchForSilence(
      () => this.#subscriber!.ping(),
      { status: () => this.#subscriber?.status ?? 'wait' },
      () => {
        if (hearing !== 'yes' || this.#closed) return;
        unheard();
        this.#subscriber?.disconnect(!isCluster(this.#client));
      },
    );
  }

  /**
   * Calls `listen` with a connection of its own to one node of the cluster, soon, once the
   * cluster knows a node. Not ioredis's cluster subscriber: classic PUBLISH reaches every node,
   * and that subscriber moves to another node and subscribes again without telling anyone, so
   * the sign-outs published meanwhile would go missing unnoticed.
   */
  #onNodeOf(cluster: Cluster, listen: (subscriber: Redis) => void): void {
    const next = () => {
      this.#relisten = undefined;
      if (this.#closed) return;
      const nodes = cluster.nodes('all');
      if (nodes.length === 0) {
        cluster.once('ready', next);
        return;
      }
      const { options } = nodes[Math.floor(Math.random() * nodes.length)]!;
      listen(
        new Redis({
          ...cluster.options.redisOptions,
          host: options.host,
          port: options.port,
          enableOfflineQueue: false,
          autoResubscribe: false,
          retryStrategy: () => null,
          ...OWN_CONNECTION,
        }),
      );
    };
    this.#relisten = setTimeout(next, this.#subscriber === undefined ? 0 : RELISTEN_MS);
    this.#relisten.unref();
  }

  /** Closes the connections the store opened; a client you passed in stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#stopHeartbeat?.();
    clearTimeout(this.#relisten);
    clearTimeout(this.#retry);
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
  async #ready(): Promise<RedisClient> {
    if (this.#firstAttempt) await this.#firstAttempt;
    if (this.#client.status !== 'ready') throw new RedisStoreError('Redis is not connected');
    return this.#client;
  }

  /** Resolves when the connection attempt under way has succeeded or failed. */
  #settled(connection: RedisClient): Promise<void> {
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

/** Resolves once the socket is gone, so nothing of the store outlives `close()`. */
function closeConnection(connection: RedisClient): Promise<void> {
  const open = connection.status === 'ready' || connection.status === 'connect';
  const ended = open ? new Promise<void>((resolve) => connection.once('end', resolve)) : undefined;
  connection.disconnect();
  return ended ?? Promise.resolve();
}

function isUrlList(url: unknown): url is string | string[] {
  const urls = Array.isArray(url) ? url : [url];
  return (
    urls.length > 0 && urls.every((each) => typeof each === 'string' && /^rediss?:\/\//.test(each))
  );
}

/**
 * The store's own client. Commands fail at once while disconnected, instead of queueing: the
 * caller then asks PingOne.
 */
function ownClient(url: string | string[], cluster: boolean): RedisClient {
  const urls = Array.isArray(url) ? url : [url];
  if (!cluster) return new Redis(urls[0]!, { enableOfflineQueue: false, ...OWN_CONNECTION });
  // Each node's connection takes the first URL's credentials and TLS, as a cluster's nodes share them.
  const first = new URL(urls[0]!);
  return new Cluster(urls, {
    enableOfflineQueue: false,
    redisOptions: {
      ...OWN_CONNECTION,
      ...(first.username && { username: decodeURIComponent(first.username) }),
      ...(first.password && { password: decodeURIComponent(first.password) }),
      ...(first.protocol === 'rediss:' && { tls: {} }),
    },
  });
}

/** A connection of its own for listening: nothing queued, resubscribed by the store. */
function listeningCopy(client: Redis): Redis {
  return client.duplicate({
    enableOfflineQueue: false,
    autoResubscribe: false,
    lazyConnect: false,
    ...OWN_CONNECTION,
  });
}
