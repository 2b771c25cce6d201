import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, type Redis } from 'ioredis';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Kills the server at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP): connections stay open and nothing answers, as a hung server. */
  freeze(): void;
  /** Lets a frozen server go on (SIGCONT). */
  thaw(): void;
  /** Stops it and removes its directory; calling it again does nothing. */
  stop(): Promise<void>;
}

/**
 * A real `redis-server` (Debian's package; `.ci/run` installs it) on a free loopback port, with
 * a temporary directory and nothing saved to disk.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pingone-redis-'));
  const port = await freePort();
  let child: ChildProcess | undefined = await launch(dir, port);
  let stopping: Promise<void> | undefined;

  const kill = async () => {
    const running = child;
    child = undefined;
    if (running && running.exitCode === null) {
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    async restart() {
      await kill();
      child = await launch(dir, port);
    },
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    stop: () => (stopping ??= kill().then(() => rm(dir, { recursive: true, force: true }))),
  };
}

function launch(dir: string, port: number, extra: string[] = []): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', (error) =>
      reject(
        new Error(
          `redis-server could not start (${error.message}); install Debian's redis-server package`,
        ),
      ),
    );
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How many connections listen on a pub/sub channel, as Redis counts them (on every primary). */
export async function subscriberCount(client: Redis | Cluster, channel: string): Promise<number> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const counts = await Promise.all(
    nodes.map(
      async (node) => ((await node.call('PUBSUB', 'NUMSUB', channel)) as [string, number])[1],
    ),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

export interface RedisCluster {
  /** Every primary's address, for `new Cluster(nodes)`. */
  nodes: { host: string; port: number }[];
  /** `redis://host:port` of every primary, for `RedisStore({ url })`. */
  urls: string[];
  /** Kills every node at once (SIGKILL). */
  kill(): Promise<void>;
  /** Kills the node on this port (SIGKILL), as a crashed primary: its replica takes over. */
  killNode(port: number): Promise<void>;
  /** Starts every node again on its port, empty, with its cluster configuration. */
  restart(): Promise<void>;
  /** Freezes every node (SIGSTOP): connections stay open and nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops every node and removes their directories; calling it again does nothing. */
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster of `primaries` nodes, each with `replicas` replicas (Debian's redis-server
 * and redis-cli), on free loopback ports, its 16 384 slots spread by `redis-cli --cluster
 * create`; resolves once every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(primaries = 3, replicas = 0): Promise<RedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pingone-redis-cluster-'));
  const count = primaries * (1 + replicas);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const start = (port: number) =>
    launch(dir, port, [
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      '2000',
    ]);
  let children = await Promise.all(ports.map(start));
  const killed = (child: ChildProcess) => {
    // Killed already (killNode): a signal ended it, so it has no exit code.
    if (child.exitCode !== null || child.signalCode !== null) return undefined;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    return exited;
  };
  const kill = async () => {
    const running = children;
    children = [];
    await Promise.all(running.map(killed));
  };
  const healthy = async () => {
    for (const port of ports) {
      await eventually(async () =>
        (await run('redis-cli', ['-p', String(port), 'cluster', 'info'])).includes(
          'cluster_state:ok',
        ),
      );
    }
  };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= kill().then(() => rm(dir, { recursive: true, force: true })));
  try {
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await healthy();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
    urls: ports.map((port) => `redis://127.0.0.1:${port}`),
    kill,
    killNode: async (port) => {
      const child = children[ports.indexOf(port)];
      if (child) await killed(child);
    },
    async restart() {
      await kill();
      children = await Promise.all(ports.map(start));
      await healthy();
    },
    freeze: () => children.forEach((child) => child.kill('SIGSTOP')),
    thaw: () => children.forEach((child) => child.kill('SIGCONT')),
    stop,
  };
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}: ${output}`)),
    );
  });
}

async function eventually(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the cluster did not come up in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
