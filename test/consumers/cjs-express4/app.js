const express = require('express');
const { pingSession, requireSession } = require('express-pingone-session');
const { startEmulator } = require('express-pingone-session/emulator');

async function main() {
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
  app.get('/private', requireSession(), (req, res) => res.json({ user: req.pingSession.user.id }));
  const server = app.listen(0, '127.0.0.1', () => {
    console.log(`http://127.0.0.1:${server.address().port}`);
  });
  process.on('SIGTERM', () => server.close(() => emulator.close()));
}

main();
