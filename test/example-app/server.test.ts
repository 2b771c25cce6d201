import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const SERVER = path.resolve(__dirname, '../../example-app/dist/server.js');
const SSO = path.resolve(__dirname, '../../example-app/dist/sso.js');

/** Runs the built example app (as `npm start` does) until it exits or prints `until`. */
function run(port: number, until?: RegExp, env: Record<string, string> = {}, script = SERVER) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, PORT: String(port), PINGONE_ENVIRONMENT_ID: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('the example app server (npm start)', () => {
  it('says only that its port is taken, and exits 1, when it is', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const { code, stdout, stderr } = await run(port);
      expect(code).toBe(1);
      expect(stderr).toContain(`Cannot listen on port ${port}: `);
      expect(stderr).toContain('Set PORT to another one.');
      expect(stdout).not.toContain('Example app on');
    } finally {
      taken.close();
    }
  });

  it.each([
    ['PINGONE_REGION', 'XX', 'ERR_PINGONE_REGION'],
    ['PINGONE_API_PATH', 'https://api.pingone.com/v2', 'ERR_PINGONE_API_PATH'],
  ])(
    'prints only the start-up error line for a wrong %s, and exits 1',
    async (name, value, code) => {
      const {
        code: exit,
        stdout,
        stderr,
      } = await run(0, undefined, {
        PINGONE_ENVIRONMENT_ID: '6c8e1e1d-3f0e-4c86-9a60-0d4a4b3e9d21',
        PINGONE_CLIENT_ID: 'worker',
        PINGONE_CLIENT_SECRET: 'worker-secret',
        PINGONE_SIGNIN_CLIENT_ID: 'sign-in',
        [name]: value,
      });
      expect(exit).toBe(1);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`[${code}]`)]);
      expect(stderr).toContain(name);
    },
  );

  it('prints its URL when the port is free', async () => {
    const port = await freePort();
    const { stdout } = await run(port, /PingOne answers as expected\./);
    expect(stdout).toContain(`Example app on http://localhost:${port}`);
  });

  it('runs two apps on two origins against one emulator for npm run start:sso', async () => {
    const port = await freePort();
    const { stdout } = await run(port, /App A on[^]*App B on|App B on[^]*App A on/, {}, SSO);
    expect(stdout).toContain(`App A on http://localhost:${port}\n`);
    expect(stdout).toContain(`App B on http://127.0.0.1:${port + 1}\n`);
  });
});
