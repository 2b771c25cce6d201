import express from 'express';
import {
  pingSession,
  requireSession,
  withSession,
  type PingSessionOptions,
} from 'express-pingone-session';

/** The app under test, built from pingSession()'s options as a real app's factory would be. */
export function createApp(options: PingSessionOptions): express.Express {
  const app = express();
  app.use(pingSession(options));
  app.get(
    '/orders',
    withSession((req, res) => {
      const user: string = req.pingSession.user.id;
      res.json({ user });
    }),
  );
  app.post('/password', requireSession({ maxAuthAgeSeconds: 300 }), (_req, res) => {
    res.send('changed');
  });
  return app;
}
