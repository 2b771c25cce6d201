const express = require('express');
const { pingSession, requireSession } = require('express-pingone-session');

/** The app under test, built from pingSession()'s options as a real app's factory would be. */
exports.createApp = function createApp(options) {
  const app = express();
  app.use(pingSession(options));
  app.get('/orders', requireSession(), (req, res) => res.json({ user: req.pingSession.user.id }));
  app.post('/password', requireSession({ maxAuthAgeSeconds: 300 }), (req, res) =>
    res.send('changed'),
  );
  return app;
};
