const { startEmulator } = require('express-pingone-session/emulator');
const { createApp } = require('./app');

async function main() {
  const emulator = await startEmulator();
  const server = createApp(emulator.options({ signIn: 'redirectless' })).listen(
    0,
    '127.0.0.1',
    () => {
      console.log(`http://127.0.0.1:${server.address().port}`);
    },
  );
  process.on('SIGTERM', () => server.close(() => emulator.close()));
}

main();
