import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import { pingSession, requireSession, type PingSessionOptions } from 'express-pingone-session';
import { homePage, profilePage, STYLESHEET } from './pages';

export interface ExampleAppOptions {
  /** Passed to `pingSession()`; empty means "read PINGONE_* from the environment". */
  pingSession?: PingSessionOptions;
  /** The page that signs a person on and sets the ST cookie, given `?returnTo=<absolute URL>`. */
  signOnUrl: string;
  /** This app's own origin, for example `http://localhost:3000`. */
  publicUrl: string;
}

export function createExampleApp(options: ExampleAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Everything is served from here: one stylesheet, no script, no inline style.
          styleSrc: ["'self'"],
          // On plain-http localhost an upgrade would send the sign-out form to https: and fail.
          upgradeInsecureRequests: options.publicUrl.startsWith('https:') ? [] : null,
        },
      },
    }),
  );
  app.use(cookieParser());
  app.use(pingSession(options.pingSession));

  app.get('/style.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(STYLESHEET);
  });

  app.get('/', (req, res) => {
    res.set('Cache-Control', 'no-store').send(homePage(req.pingSession));
  });

  // The sign-on page needs an absolute URL to come back to; only a path on this site is taken
  // from the request (requireSession() already made it one), so this is no open redirect.
  app.get('/login', (req, res) => {
    const returnTo = typeof req.query.returnTo === 'string' ? req.query.returnTo : '/';
    const back = new URL(returnTo, options.publicUrl);
    const target = back.origin === options.publicUrl ? back.href : options.publicUrl;
    const url = new URL(options.signOnUrl);
    url.searchParams.set('returnTo', target);
    res.redirect(302, url.href);
  });

  app.get('/profile', requireSession({ loginUrl: '/login' }), (req, res) => {
    res.set('Cache-Control', 'no-store').send(profilePage(req.pingSession!));
  });

  return app;
}
