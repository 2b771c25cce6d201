import type { AddressInfo } from 'node:net';
import { startEmulator } from 'express-pingone-session/emulator';
import { createApp } from './app.js';

// A function, not top-level await: the same file is built as CommonJS (node10) and as ESM.
async function main(): Promise<void> {
  const emulator = await startEmulator();
  const server = createApp(emulator.options({ signIn: 'redirectless' })).listen(
    0,
    '127.0.0.1',
    () => {
      console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    },
  );
  process.on('SIGTERM', () => server.close(() => void emulator.close()));
}

void main();
