/*
 * The processes of npm run bench: where each runs (CPU pinning), how one is started (compiled
 * JavaScript, with a CPU profile when asked) and stopped.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';

/**
 * Which CPUs each side runs on. With two cores, the server under test gets one to itself and
 * autocannon, the emulators and Redis share the other. Left to the scheduler, the load generator
 * and the server's own GC and compiler threads took turns on both cores; ratios moved by up to
 * ±20% between runs of one build then, and by 5 to 15% pinned.
 * `taskset` (util-linux) sets it; where it is missing or there is one core, nothing is pinned.
 */
export const PINNING = pinning();

function pinning(): { server: string; driver: string } | undefined {
  if (process.env.BENCH_PIN === '0' || cpus().length < 2) return undefined;
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const last = cpus().length - 1;
  return { server: String(last), driver: last === 1 ? '0' : `0-${last - 1}` };
}

/** Pins a process, and every thread it has or will start, to the given CPUs. */
export function pin(pid: number | undefined, cpuList: string | undefined): void {
  if (pid === undefined || cpuList === undefined) return;
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

/** BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops. */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;

export function child(file: string, env: Record<string, string>, cpuList?: string): ChildProcess {
  const profiled = CPU_PROFILE_DIR !== undefined && file === 'server.js';
  const proc = fork(path.join(__dirname, file), [], {
    execArgv: profiled ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR)}`] : [],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  pin(proc.pid, cpuList);
  return proc;
}

export function stop(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    proc.once('exit', () => resolve());
    // SIGINT: the server exits through process.exit, which writes a CPU profile when asked for.
    proc.kill('SIGINT');
  });
}
