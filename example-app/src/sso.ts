import { createServer } from 'node:http';
import { DEMO_USERS, startEmulator } from 'express-pingone-session/emulator';
import { createExampleApp } from './app';

/*
 * npm run start:sso: two example apps on two origins against one PingOne emulator, to see single
 * sign-on and global sign-out. Sign in on one (PingOne's page asks for the password), open the
 * other: you are signed in without it. Sign out on either: the other forgets you on its next
 * request. Both run with the cache off so that the other app's sign-out shows at once; with the
 * default cache, an app sees a sign-out made elsewhere within cache.ttlMs (30 s). App A listens
 * on PORT (default 3000), App B on the next port.
 */
const port = Number(process.env.PORT ?? 3000);
const APPS = [
  { name: 'App A', url: `http://localhost:${port}`, port },
  { name: 'App B', url: `http://127.0.0.1:${port + 1}`, port: port + 1 },
];

async function main(): Promise<void> {
  const emulator = await startEmulator({
    port: Number(process.env.EMULATOR_PORT ?? 0),
    log: (line) => process.stdout.write(`[PingOne emulator] ${line}\n`),
  });
  const users = DEMO_USERS.map((user) => user.username).join(', ');
  const signInHint = `Demo users: ${users}. Password: ${emulator.demoPassword}.`;
  for (const { name, url, port: listenPort } of APPS) {
    const base = emulator.options({ signIn: 'hosted', redirectUri: `${url}/auth/callback` });
    const app = createExampleApp({
      name,
      publicUrl: url,
      signInHint,
      pingSession: { ...base, cache: false },
    });
    const server = createServer(app);
    server.once('error', (error) => {
      process.stderr.write(`Cannot listen on port ${listenPort}: ${error.message}.\n`);
      process.exit(1);
    });
    server.listen(listenPort, '127.0.0.1', () => process.stdout.write(`${name} on ${url}\n`));
  }
  process.stdout.write(`${signInHint}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
