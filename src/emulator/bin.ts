#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmulator } from './start-emulator';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '9000' },
    'environment-id': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help) {
  process.stdout.write(
    'Usage: pingone-emulator [--port 9000] [--environment-id <uuid>]\n' +
      'Starts a PingOne emulator on localhost and prints the settings to use it.\n',
  );
} else {
  startEmulator({ port: Number(values.port), environmentId: values['environment-id'] }).then(
    (emulator) => {
      // The client secret is printed on purpose: it is the emulator's own, made up at start.
      process.stdout.write(
        `PingOne emulator listening on ${emulator.url}\n\n` +
          `PINGONE_ENVIRONMENT_ID=${emulator.environmentId}\n` +
          `PINGONE_API_PATH=${emulator.apiPath}\n` +
          `PINGONE_AUTH_PATH=${emulator.authPath}\n` +
          `PINGONE_CLIENT_ID=${emulator.clientId}\n` +
          `PINGONE_CLIENT_SECRET=${emulator.clientSecret}\n\n` +
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
