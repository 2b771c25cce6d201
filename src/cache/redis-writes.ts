import type { ChainableCommander, Cluster, Redis } from 'ioredis';
import {
  END_SESSION_SCRIPT,
  ENTRY_SET_SCRIPT,
  SESSION_INDEX_END_SCRIPT,
  SESSION_INDEX_SCRIPT,
  SET_SCRIPT,
} from './redis-format';

/** An ioredis client: one server (standalone or Sentinel), or a Redis Cluster. */
export type RedisClient = Redis | Cluster;

/** The names a session's keys go by. */
export interface SessionKeys {
  /** The entry, under its token's cache key. */
  entry: string;
  /** The session's index of entries, and its ended marker: both in the session's hash slot. */
  index: string;
  ended: string;
}

/**
 * RedisStore's writes that touch more than one key. On one server each is one script or one
 * transaction. On a cluster a session's entry and its index live in different hash slots, so each
 * becomes steps, every script touching one slot and declaring every key it writes, in an order
 * that keeps the same guarantees: an entry is indexed before it is written, and a session's end
 * marks it ended and takes its index before it replaces the entries, so an entry written during
 * an end is either found and replaced or refused.
 */
export interface RedisWrites {
  /**
   * Writes a session's entry, unless the session was ended or the key holds a sign-out's marker,
   * and indexes it.
   */
  setSession(keys: SessionKeys, value: string, px: number): Promise<void>;
  /**
   * Ends a session: marks it ended, replaces its indexed entries with `marker` and publishes each
   * one's key (its name less `prefixLength`), then `endedMessage`.
   */
  endSession(
    keys: Omit<SessionKeys, 'entry'>,
    marker: string,
    px: number,
    channel: string,
    prefixLength: number,
    endedMessage: string,
  ): Promise<void>;
  /**
   * Writes an entry of no session (a read found the token's session ended) unless the key holds
   * a sign-out's marker: over a session entry kept past its fresh life for the read budget, so
   * that other instances stop serving it.
   */
  setEntry(entry: string, value: string, px: number): Promise<void>;
  /** Writes `value` to `entry` for `px` (or deletes it, with `undefined`), then publishes `message`. */
  replaceAndPublish(
    entry: string,
    value: string | undefined,
    px: number,
    channel: string,
    message: string,
  ): Promise<void>;
}

/** Whether the client is a Redis Cluster's (duck-typed: another copy of ioredis may have made it). */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: boolean }).isCluster === true;
}

/** Scripts are loaded once per client (EVALSHA), not sent in full on every write. */
interface Scripted {
  pingoneSessionSet(
    entry: string,
    index: string,
    ended: string,
    value: string,
    px: number,
  ): Promise<number>;
  pingoneSessionEnd(
    index: string,
    ended: string,
    marker: string,
    px: number,
    channel: string,
    prefixLength: number,
    endedMessage: string,
  ): Promise<number>;
  pingoneSessionIndex(index: string, ended: string, entry: string, px: number): Promise<number>;
  pingoneEntrySet(entry: string, value: string, px: number): Promise<number>;
  pingoneSessionIndexEnd(index: string, ended: string, px: number): Promise<string[]>;
}

export function redisWrites(client: RedisClient): RedisWrites {
  const scripted = client as RedisClient & Scripted;
  return isCluster(client)
    ? clusterWrites(defineScripts(scripted, CLUSTER_SCRIPTS))
    : serverWrites(defineScripts(scripted, SERVER_SCRIPTS));
}

const SERVER_SCRIPTS = {
  pingoneSessionSet: { numberOfKeys: 3, lua: SET_SCRIPT },
  pingoneSessionEnd: { numberOfKeys: 2, lua: END_SESSION_SCRIPT },
  pingoneEntrySet: { numberOfKeys: 1, lua: ENTRY_SET_SCRIPT },
};
const CLUSTER_SCRIPTS = {
  pingoneSessionIndex: { numberOfKeys: 2, lua: SESSION_INDEX_SCRIPT },
  pingoneSessionIndexEnd: { numberOfKeys: 2, lua: SESSION_INDEX_END_SCRIPT },
  pingoneEntrySet: { numberOfKeys: 1, lua: ENTRY_SET_SCRIPT },
};

function defineScripts<T extends RedisClient & Scripted>(
  client: T,
  scripts: Record<string, { numberOfKeys: number; lua: string }>,
): T {
  for (const [name, script] of Object.entries(scripts)) {
    if (typeof (client as unknown as Record<string, unknown>)[name] !== 'function') {
      client.defineCommand(name, script);
    }
  }
  return client;
}

function serverWrites(client: RedisClient & Scripted): RedisWrites {
  return {
    async setSession({ entry, index, ended }, value, px) {
      await client.pingoneSessionSet(entry, index, ended, value, px);
    },
    async setEntry(entry, value, px) {
      await client.pingoneEntrySet(entry, value, px);
    },
    async endSession({ index, ended }, marker, px, channel, prefixLength, endedMessage) {
      await client.pingoneSessionEnd(index, ended, marker, px, channel, prefixLength, endedMessage);
    },
    async replaceAndPublish(entry, value, px, channel, message) {
      const transaction = client.multi();
      if (value === undefined) transaction.del(entry);
      else transaction.set(entry, value, 'PX', px);
      await execAll(transaction.publish(channel, message));
    },
  };
}

function clusterWrites(client: RedisClient & Scripted): RedisWrites {
  return {
    async setSession({ entry, index, ended }, value, px) {
      if ((await client.pingoneSessionIndex(index, ended, entry, px)) !== 1) return;
      await client.pingoneEntrySet(entry, value, px);
    },
    async setEntry(entry, value, px) {
      await client.pingoneEntrySet(entry, value, px);
    },
    async endSession({ index, ended }, marker, px, channel, prefixLength, endedMessage) {
      const entries = await client.pingoneSessionIndexEnd(index, ended, px);
      await Promise.all(entries.map((entry) => client.set(entry, marker, 'PX', px)));
      await Promise.all(entries.map((entry) => client.publish(channel, entry.slice(prefixLength))));
      await client.publish(channel, endedMessage);
    },
    async replaceAndPublish(entry, value, px, channel, message) {
      // Published even when the write fails (its primary down, failing over): instances drop
      // their copy now, and read the entry's slot, which fails while it is down, so they ask
      // PingOne. The failed write is still thrown, for the store to send again.
      const written = value === undefined ? client.del(entry) : client.set(entry, value, 'PX', px);
      const [write] = await Promise.allSettled([written]);
      await client.publish(channel, message);
      if (write.status === 'rejected') throw write.reason;
    },
  };
}

/** Runs a transaction; rejects if it was aborted or any of its commands failed. */
async function execAll(transaction: ChainableCommander): Promise<void> {
  const results = await transaction.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) throw failed?.[0] ?? new Error('Redis transaction aborted');
}
