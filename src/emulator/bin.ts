#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { DEMO_USERS } from './demo-users';
import { parseFault } from './faults';
import { startEmulator } from './start-emulator';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '9000' },
    'environment-id': { type: 'string' },
    fault: { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(
    'Usage: pingone-emulator [--port 9000] [--environment-id <uuid>] [--fault <spec>]...\n' +
      'Starts a PingOne emulator on localhost and prints the settings to use it.\n\n' +
      'A fault is comma-separated key=value pairs; it applies to sessions/me unless on= says:\n' +
      '  --fault status=503,rate=0.1        10% of calls answer 503\n' +
      '  --fault status=429,retryAfter=2    every call answers 429 with Retry-After: 2\n' +
      '  --fault latencyMs=20-80,on=any     20 to 80 ms of latency on every call\n' +
      '  --fault reset=true,times=3         the next 3 calls have their connection reset\n' +
      '  --fault hang=true                  calls are never answered\n' +
      '  --fault malformed=html             200 with an HTML body (also truncated-json, no-id)\n' +
      '  --fault status=503,on=token        the token endpoint is down\n',
  );
} else {
  Promise.resolve()
    .then(() =>
      startEmulator({
        port: Number(values.port),
        environmentId: values['environment-id'],
        faults: values.fault.map(parseFault),
        log: (line) => process.stdout.write(`${line}\n`),
      }),
    )
    .then(
      (emulator) => {
        const { cookieSecret } = emulator.options({ signIn: 'hosted' }).signIn as {
          cookieSecret: string;
        };
        // The client secret is printed on purpose: it is the emulator's own, made up at start.
        process.stdout.write(
          `PingOne emulator listening on ${emulator.url}\n\n` +
            `PINGONE_ENVIRONMENT_ID=${emulator.environmentId}\n` +
            `PINGONE_API_PATH=${emulator.apiPath}\n` +
            `PINGONE_AUTH_PATH=${emulator.authPath}\n` +
            `PINGONE_CLIENT_ID=${emulator.clientId}\n` +
            `PINGONE_CLIENT_SECRET=${emulator.clientSecret}\n` +
            `PINGONE_SIGNIN_CLIENT_ID=${emulator.signInClientId}\n` +
            `PINGONE_SIGNIN_CLIENT_SECRET=${emulator.signInClientSecret}\n` +
            `PINGONE_SIGNIN_COOKIE_SECRET=${cookieSecret}\n` +
            `PINGONE_SIGNIN_REDIRECT_URI=http://localhost:3000/auth/callback\n\n` +
            "Hosted sign-on sends people back to PINGONE_SIGNIN_REDIRECT_URI: set it to your app's " +
            'callback (any URL on this machine is taken), or PINGONE_SIGNIN_MODE=redirectless for ' +
            'your own sign-in form.\n' +
            `Demo users: ${DEMO_USERS.map((user) => user.username).join(', ')}; ` +
            `password ${emulator.demoPassword}. One-time passwords are printed here.\n` +
            `Sign-on page: ${emulator.signOnUrl}?returnTo=<your app's URL>\n`,
        );
        const stop = () => void emulator.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
      (error: Error) => {
        process.stderr.write(`pingone-emulator: ${error.message}\n`);
        process.exit(1);
      },
    );
}
