import { startEmulator } from 'express-pingone-session/emulator';
import { createExampleApp, type ExampleAppOptions } from './app';

const port = Number(process.env.PORT ?? 3000);
const publicUrl = `http://localhost:${port}`;

/**
 * With `PINGONE_ENVIRONMENT_ID` set, the app talks to real PingOne (the other `PINGONE_*`
 * variables and `SIGNON_URL` say how); without it, to an emulator started here.
 */
async function settings(): Promise<ExampleAppOptions & { close?: () => Promise<void> }> {
  if (process.env.PINGONE_ENVIRONMENT_ID) {
    const signOnUrl = process.env.SIGNON_URL;
    if (!signOnUrl) throw new Error('Set SIGNON_URL to the page that signs people on to PingOne.');
    return { signOnUrl, publicUrl };
  }
  const emulator = await startEmulator({ port: Number(process.env.EMULATOR_PORT ?? 0) });
  return {
    signOnUrl: emulator.signOnUrl,
    publicUrl,
    pingSession: {
      environmentId: emulator.environmentId,
      apiPath: emulator.apiPath,
      authPath: emulator.authPath,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
    },
    close: () => emulator.close(),
  };
}

settings().then(
  (options) => {
    const server = createExampleApp(options).listen(port, '127.0.0.1', () => {
      const against = options.close
        ? `the PingOne emulator at ${new URL(options.signOnUrl).origin}`
        : 'PingOne';
      process.stdout.write(`Example app on ${publicUrl} (talking to ${against})\n`);
    });
    server.on('error', (error) => {
      process.stderr.write(
        `Cannot listen on port ${port}: ${error.message}. Set PORT to another one.\n`,
      );
      process.exit(1);
    });
    const stop = () => {
      server.close();
      void options.close?.();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  },
  (error: Error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);
