import type { AddressInfo } from 'node:net';
import express from 'express';
import { pingSession, withSession } from 'express-pingone-session';
import { startEmulator } from 'express-pingone-session/emulator';

// A function, not top-level await: the same file is built as CommonJS (node10) and as ESM.
async function main(): Promise<void> {
  const emulator = await startEmulator({ port: 0 });
  const app = express();
  app.use(
    pingSession({
      environmentId: emulator.environmentId,
      apiPath: emulator.apiPath,
      authPath: emulator.authPath,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      signIn: { clientId: emulator.signInClientId, clientSecret: emulator.signInClientSecret },
    }),
  );
  app.get(
    '/private',
    withSession((req, res) => {
      const user: string = req.pingSession.user.id;
      res.json({ user });
    }),
  );
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => server.close(() => void emulator.close()));
}

void main();
