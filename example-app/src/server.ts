import { createServer } from 'node:http';
import { DEMO_USERS, startEmulator } from 'express-pingone-session/emulator';
import { pingSessionMetrics } from 'express-pingone-session/metrics';
import { createExampleApp, type ExampleAppOptions } from './app';

const port = Number(process.env.PORT ?? 3000);
const publicUrl = `http://localhost:${port}`;
// Hosted sign-on (PingOne's own page) unless PINGONE_SIGNIN_MODE=redirectless asks for the app's
// own sign-in form.
const signInMode = process.env.PINGONE_SIGNIN_MODE === 'redirectless' ? 'redirectless' : 'hosted';

/**
 * With `PINGONE_ENVIRONMENT_ID` set, the app talks to real PingOne (the other `PINGONE_*`
 * variables say how, `PINGONE_SIGNIN_CLIENT_ID` among them); without it, to an emulator started
 * here, whose one-time passwords are printed on this console.
 */
async function settings(): Promise<ExampleAppOptions & { close?: () => Promise<void> }> {
  if (process.env.PINGONE_ENVIRONMENT_ID) {
    if (!process.env.PINGONE_SIGNIN_CLIENT_ID) {
      throw new Error(
        'Set PINGONE_SIGNIN_CLIENT_ID (and PINGONE_SIGNIN_CLIENT_SECRET) to the OIDC application ' +
          'that signs people in: see "Signing in" in the README.',
      );
    }
    return { publicUrl };
  }
  const emulator = await startEmulator({
    port: Number(process.env.EMULATOR_PORT ?? 0),
    log: (line) => process.stdout.write(`[PingOne emulator] ${line}\n`),
  });
  const users = DEMO_USERS.map((user) => user.username).join(', ');
  return {
    publicUrl,
    signInHint: `Demo users: ${users}. Password: ${emulator.demoPassword}. One-time codes appear in the terminal.`,
    pingSession: emulator.options({
      signIn: signInMode,
      redirectUri: `${publicUrl}/auth/callback`,
    }),
    close: () => emulator.close(),
  };
}

async function main(): Promise<void> {
  const options = await settings();
  // A ConfigError's message names the option and the fix: main().catch prints just that line.
  const app = createExampleApp({ ...options, metrics: pingSessionMetrics().registry });
  // Node's own listen: its callback means listening, never an error (Express 5's app.listen
  // calls it for both, which printed the URL before saying the port was taken).
  const server = createServer(app);
  server.once('error', (error) => {
    process.stderr.write(
      `Cannot listen on port ${port}: ${error.message}. Set PORT to another one.\n`,
    );
    process.exit(1);
  });
  server.listen(port, '127.0.0.1', () => {
    const against = options.close
      ? `the PingOne emulator at ${options.pingSession?.authPath}`
      : 'PingOne';
    process.stdout.write(`Example app on ${publicUrl} (talking to ${against})\n`);
    process.stdout.write(`Metrics on ${publicUrl}/metrics\n`);
    if (options.signInHint) process.stdout.write(`${options.signInHint}\n`);
    // What a readiness probe would ask: do the worker (credentials, environment, role, apiPath)
    // and the sign-in application work?
    app.ready().then(
      () => process.stdout.write('PingOne answers as expected.\n'),
      (error: Error) => process.stderr.write(`PingOne is not ready: ${error.message}\n`),
    );
  });
  const stop = () => {
    server.close();
    void options.close?.();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
