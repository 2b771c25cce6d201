// app.test.ts (node:test, TypeScript); createApp(options) builds your Express app with pingSession(options)
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo, Server } from 'node:net';
import { after, afterEach, before, test } from 'node:test';
import { sameOrigin, startEmulator, type Emulator } from 'express-pingone-session/testing';
import { createApp } from './app.js';

let pingOne: Emulator, server: Server, url: string;
before(async () => {
  pingOne = await startEmulator();
  server = createApp(pingOne.options()).listen(0);
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => pingOne.reset());
after(() => server.close(() => void pingOne.close()));

test('a signed-in user sees their orders', async () => {
  const { cookie, session } = pingOne.signIn('ada');
  const res = await fetch(`${url}/orders`, { headers: { Cookie: cookie } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { user: session.user.id });
});

test('changing the password needs a sign-on of the last 5 minutes', async () => {
  const { cookie } = pingOne.signIn('ada', { authAgeSeconds: 600 });
  const res = await fetch(`${url}/password`, { method: 'POST', headers: { Cookie: cookie } });
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error, 'step_up_required');
});

test('signing out ends the session', async () => {
  const { cookie } = pingOne.signIn('ada');
  const headers = { ...sameOrigin, Cookie: cookie };
  assert.equal((await fetch(`${url}/logout`, { method: 'POST', headers })).status, 204);
  assert.equal((await fetch(`${url}/orders`, { headers })).status, 401);
});

test('while PingOne is down, protected pages answer 503', async () => {
  pingOne.simulate('down');
  const { cookie } = pingOne.signIn('ada');
  assert.equal((await fetch(`${url}/orders`, { headers: { Cookie: cookie } })).status, 503);
});
