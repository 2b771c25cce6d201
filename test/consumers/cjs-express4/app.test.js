// app.test.js (Jest, CommonJS); createApp(options) builds your Express app with pingSession(options)
const request = require('supertest');
const { startEmulator, sameOrigin } = require('express-pingone-session/testing');
const { createApp } = require('./app');

let pingOne, app;
beforeAll(async () => {
  pingOne = await startEmulator();
  app = createApp(pingOne.options());
});
afterEach(() => pingOne.reset());
afterAll(() => pingOne.close());

test('a signed-in user sees their orders', async () => {
  const { cookie, session } = pingOne.signIn('ada');
  const res = await request(app).get('/orders').set('Cookie', cookie);
  expect(res.status).toBe(200);
  expect(res.body.user).toBe(session.user.id);
});

test('changing the password needs a sign-on of the last 5 minutes', async () => {
  const { cookie } = pingOne.signIn('ada', { authAgeSeconds: 600 });
  const res = await request(app).post('/password').set(sameOrigin).set('Cookie', cookie);
  expect(res.status).toBe(401);
  expect(res.body.error).toBe('step_up_required');
});

test('signing out ends the session', async () => {
  const { cookie } = pingOne.signIn('ada');
  await request(app).post('/logout').set(sameOrigin).set('Cookie', cookie).expect(204);
  await request(app).get('/orders').set('Cookie', cookie).expect(401);
});

test('while PingOne is down, protected pages answer 503', async () => {
  pingOne.simulate('down');
  const { cookie } = pingOne.signIn('ada');
  await request(app).get('/orders').set('Cookie', cookie).expect(503);
});
