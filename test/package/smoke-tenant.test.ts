import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator, type Emulator } from '../../src/emulator';

// npm run smoke:tenant is for a real tenant; against the emulator it must run every probe it
// can, and print nothing secret: no token, no password, no client secret.
const run = promisify(execFile);
let emulator: Emulator;
beforeAll(async () => (emulator = await startEmulator()));
afterAll(() => emulator.close());

it('runs every probe against a PingOne and prints their answers redacted', async () => {
  const { stdout } = await run(process.execPath, ['scripts/smoke-tenant.mjs'], {
    cwd: path.resolve(__dirname, '../..'),
    env: {
      ...process.env,
      PINGONE_ENVIRONMENT_ID: emulator.environmentId,
      PINGONE_API_PATH: emulator.apiPath,
      PINGONE_AUTH_PATH: emulator.authPath,
      PINGONE_CLIENT_ID: emulator.clientId,
      PINGONE_CLIENT_SECRET: emulator.clientSecret,
      PINGONE_SIGNIN_CLIENT_ID: emulator.signInClientId,
      PINGONE_SIGNIN_CLIENT_SECRET: emulator.signInClientSecret,
      PINGONE_SMOKE_USERNAME: 'ada',
      PINGONE_SMOKE_PASSWORD: emulator.demoPassword,
      PINGONE_SMOKE_LOCKOUT: '1',
    },
  });
  for (const probe of ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P8', 'P9', 'P10']) {
    expect(stdout).toContain(`## ${probe}`);
  }
  expect(stdout).toContain('"code": "INVALID_DATA"');
  expect(stdout).toContain('PASSWORD_LOCKED_OUT');
  for (const secret of emulator.secrets()) expect(stdout).not.toContain(secret);
});
