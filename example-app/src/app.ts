import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import {
  AccountError,
  endSession,
  listSessions,
  pingSession,
  requireSession,
  withSession,
  type PingSessionOptions,
  type PingUser,
  type PingUserSession,
} from 'express-pingone-session';
import type { Registry } from 'prom-client';
import { homePage, profilePage, securityPage, signInPage } from './pages';
import { STYLESHEET } from './stylesheet';

export interface ExampleAppOptions {
  /** Passed to `pingSession()`; empty means "read PINGONE_* from the environment". */
  pingSession?: PingSessionOptions;
  /** This app's own origin, for example `http://localhost:3000`. */
  publicUrl: string;
  /** A line the sign-in page shows under its form: the emulator's demo users. */
  signInHint?: string;
  /**
   * Prometheus metrics to serve on `GET /metrics`. On a real deployment, serve them where only
   * the scraper reaches (another port, or behind the proxy).
   */
  metrics?: Registry;
  /** What the home page calls this app, when two run side by side (npm run start:sso). */
  name?: string;
}

/** The app, and `ready()` of its `pingSession()`: whether PingOne answers as it should. */
export type ExampleApp = Express & { ready(): Promise<void> };

export function createExampleApp(options: ExampleAppOptions): ExampleApp {
  const app = express();
  const given = options.pingSession?.signIn;
  const signInMode =
    (typeof given === 'object' ? given.mode : undefined) ??
    (process.env.PINGONE_SIGNIN_MODE === 'redirectless' ? 'redirectless' : 'hosted');
  app.disable('x-powered-by');
  app.use(securityHeaders(options.publicUrl));
  app.use(cookieParser());
  const sessions = pingSession(options.pingSession);
  app.use(sessions);

  const { metrics } = options;
  if (metrics) {
    app.get('/metrics', async (_req, res) => {
      res.type(metrics.contentType).send(await metrics.metrics());
    });
  }

  app.get('/style.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(STYLESHEET);
  });

  app.get('/', async (req, res) => {
    res.set('Cache-Control', 'no-store').send(
      homePage(req.pingSession, await userOf(req), {
        signIn: signInMode,
        name: options.name,
        // Hosted: PingOne's page asks for the password; this is where the demo users are told.
        hint: signInMode === 'hosted' ? options.signInHint : undefined,
      }),
    );
  });

  // pingSession() has set req.pingSignIn: the step to show, and any error of the last post.
  app.get('/signin', (req, res) => {
    res.set('Cache-Control', 'no-store').send(signInPage(req.pingSignIn, options.signInHint));
  });

  app.get(
    '/profile',
    withSession({ loginUrl: '/signin' }, async (req, res) => {
      const [user, devices] = await Promise.all([
        userOf(req),
        listSessions(req).catch((): PingUserSession[] | undefined => undefined),
      ]);
      res.set('Cache-Control', 'no-store').send(profilePage(req.pingSession, user, devices));
    }),
  );

  // Step-up: a page that needs a sign-in of the last 5 minutes. An older one is sent to /signin,
  // which asks again and comes back here.
  app.get(
    '/security',
    withSession({ loginUrl: '/signin', maxAuthAgeSeconds: RECENT_SIGN_IN_SECONDS }, (req, res) => {
      res
        .set('Cache-Control', 'no-store')
        .send(securityPage(req.pingSession, RECENT_SIGN_IN_SECONDS));
    }),
  );

  // Signs one of the user's other devices out. A form post of this site only: a cross-site page
  // must not sign the user's devices out (the browser says where a post comes from).
  app.post('/devices/:id/sign-out', requireSession(), async (req, res) => {
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin') {
      res.status(403).json({ error: 'cross_site_request' });
      return;
    }
    try {
      await endSession(req, String(req.params.id));
      res.redirect(303, '/profile');
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      res.status(error.status).json({ error: error.code });
    }
  });

  return Object.assign(app, { ready: () => sessions.ready() });
}

const RECENT_SIGN_IN_SECONDS = 300;

function securityHeaders(publicUrl: string) {
  return helmet({
    contentSecurityPolicy: {
      directives: {
        // Everything is served from here: one stylesheet, no script, no inline style.
        styleSrc: ["'self'"],
        // On plain-http localhost an upgrade would send the forms to https: and fail.
        upgradeInsecureRequests: publicUrl.startsWith('https:') ? [] : null,
      },
    },
  });
}

/** The user's name and email when PingOne answers; the page falls back to the user ID. */
function userOf(req: express.Request): Promise<PingUser | undefined> {
  return req.pingUser().catch(() => undefined);
}
