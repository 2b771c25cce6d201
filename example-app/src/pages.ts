import type {
  PingSession,
  PingSignInState,
  PingUser,
  PingUserSession,
  SignInErrorCode,
} from 'express-pingone-session';

const escapeHtml = (value: unknown) =>
  String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** "12 minutes ago" / "in 3 hours", from now. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
  return new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(
    Math.round(seconds / size),
    unit,
  );
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · express-pingone-session</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a class="brand" href="/">express-pingone-session</a><span>example app</span></header>
<main>
${body}
</main>
</body>
</html>`;
}

const signOutForm = `<form method="post" action="/logout"><button class="secondary" type="submit" id="sign-out">Sign out of this browser</button></form>`;

/** What to call the user: their given name, else their username, else their ID. */
function displayName(session: PingSession, user: PingUser | undefined): string {
  return user?.name?.given ?? user?.username ?? session.user.id;
}

/** How this app signs people in, and what it is called on its home page. */
export interface Site {
  signIn: 'hosted' | 'redirectless';
  name?: string | undefined;
  /** Shown to a signed-out visitor: who to sign in as. */
  hint?: string | undefined;
}

export function homePage(
  session: PingSession | undefined,
  user: PingUser | undefined,
  site: Site,
): string {
  // Hosted: /signin sends the browser to PingOne's page; redirectless: this app's own form.
  const signIn = site.signIn === 'hosted' ? 'Sign in with PingOne' : 'Sign in';
  const state = session
    ? `<p class="status signed-in">Signed in as <strong id="display-name">${escapeHtml(displayName(session, user))}</strong>.</p>
  <div class="actions"><a class="button" href="/profile">View profile</a>${signOutForm}</div>`
    : `<p class="status signed-out">You are signed out.</p>
  <div class="actions"><a class="button" href="/signin?returnTo=%2Fprofile" id="sign-in">${signIn}</a></div>
  ${site.hint ? `<p class="muted">${escapeHtml(site.hint)}</p>` : ''}`;
  return layout(
    'Home',
    `<section class="card">
  <h1>PingOne session demo${site.name ? ` · <span id="site-name">${escapeHtml(site.name)}</span>` : ''}</h1>
  <p>This page is public. <a href="/profile">/profile</a> needs a valid PingOne session.</p>
  ${state}
</section>`,
  );
}

function nameAndVersion(thing: { name: string; version: string } | undefined): string {
  return thing ? `${escapeHtml(thing.name)} ${escapeHtml(thing.version)}` : 'unknown';
}

/** One row of "Your devices": what it is, where it was last used, and a way to sign it out. */
function deviceRow(device: PingUserSession): string {
  const place = device.locations?.[0];
  const where = [place?.city, place?.country].filter(Boolean).join(', ') || 'unknown place';
  const what = `${device.browser?.name ?? 'Unknown browser'} on ${device.operatingSystem?.name ?? 'unknown system'}`;
  const action = device.current
    ? '<span class="muted">This device</span>'
    : `<form method="post" action="/devices/${encodeURIComponent(device.id)}/sign-out"><button class="secondary" type="submit">Sign out that device</button></form>`;
  const active = device.activeAt ? ` · active ${escapeHtml(relativeTime(device.activeAt))}` : '';
  return `<li class="device" data-session-id="${escapeHtml(device.id)}"><span><strong>${escapeHtml(what)}</strong><br><span class="muted"><span class="place">${escapeHtml(where)}</span>${active}</span></span>${action}</li>`;
}

export function profilePage(
  session: PingSession,
  user?: PingUser,
  devices?: readonly PingUserSession[],
): string {
  const deviceList =
    devices === undefined
      ? '<p class="muted">Your devices cannot be listed right now.</p>'
      : `<ul class="locations" id="devices">${devices.map(deviceRow).join('')}</ul>
  <form method="post" action="/logout"><input type="hidden" name="everywhere" value="true"><button class="secondary" type="submit" id="sign-out-everywhere">Sign out everywhere</button></form>`;
  // PingOne's example session has every field below, but a session is taken without them.
  const locations = (session.locations ?? [])
    .map(
      (l) =>
        `<li><span class="place">${escapeHtml([l.city, l.country].filter(Boolean).join(', ') || 'unknown place')}</span>` +
        `<span class="muted">${escapeHtml(l.remoteIp)} · <time datetime="${escapeHtml(l.at)}">${escapeHtml(relativeTime(l.at))}</time></span></li>`,
    )
    .join('');
  const row = (label: string, value: string) => `<dt>${label}</dt><dd>${value}</dd>`;
  const time = (iso: string) =>
    `<time datetime="${escapeHtml(iso)}" title="${escapeHtml(iso)}">${escapeHtml(relativeTime(iso))}</time>`;
  return layout(
    'Profile',
    `<section class="card">
  <h1>Hello, <span id="display-name">${escapeHtml(displayName(session, user))}</span></h1>
  <dl>
    ${row('User', `<code id="user-id">${escapeHtml(session.user.id)}</code>`)}
    ${user?.email ? row('Email', escapeHtml(user.email)) : ''}
    ${row('Browser', `<span id="browser">${nameAndVersion(session.browser)}</span>`)}
    ${row('Operating system', nameAndVersion(session.operatingSystem))}
    ${row('Device', escapeHtml(session.device?.type ?? 'unknown'))}
    ${row('Signed in', session.lastSignOn ? time(session.lastSignOn.at) : 'unknown')}
    ${row('Expires', `<span id="expires">${time(session.expiresAt)}</span>`)}
  </dl>
  <h2>Recent locations</h2>
  <ul class="locations">${locations}</ul>
  <div class="actions"><a class="button secondary" href="/">Home</a><a class="button secondary" href="/security" id="security-link">Security settings</a>${signOutForm}</div>
</section>
<section class="card">
  <h2>Your devices</h2>
  ${deviceList}
</section>
<details class="card">
  <summary>Raw session JSON</summary>
  <pre>${escapeHtml(JSON.stringify(session, null, 2))}</pre>
</details>`,
  );
}

/**
 * A page that asks for a recent sign-in (step-up): `/security` is behind
 * `withSession({ maxAuthAgeSeconds: 300 })`, so an older sign-in is sent to sign in again.
 */
export function securityPage(session: PingSession, maxAuthAgeSeconds: number): string {
  const signOn = session.lastSignOn;
  const methods = signOn?.authenticators?.join(', ') || 'unknown';
  return layout(
    'Security settings',
    `<section class="card">
  <h1>Security settings</h1>
  <p>This page asks for a sign-in of the last ${Math.round(maxAuthAgeSeconds / 60)} minutes: an older one is sent to sign in again first, and comes back here.</p>
  <dl>
    <dt>Signed in</dt><dd id="signed-in-at">${signOn ? `<time datetime="${escapeHtml(signOn.at)}">${escapeHtml(relativeTime(signOn.at))}</time>` : 'unknown'}</dd>
    <dt>With</dt><dd id="authenticators">${escapeHtml(methods)}</dd>
  </dl>
  <div class="actions"><a class="button secondary" href="/profile">Profile</a>${signOutForm}</div>
</section>`,
  );
}

const SIGN_IN_ERRORS: Record<SignInErrorCode, string> = {
  invalid_credentials: 'Wrong username or password.',
  invalid_otp: 'That code is not right. Try again.',
  password_rejected: 'PingOne did not accept the new password. Try another one.',
  locked: 'This account is locked after too many wrong passwords.',
  flow_expired: 'That sign-in took too long and has expired. Please start again.',
  wrong_step: 'That step no longer applies. Please go on from here.',
  unsupported_step:
    'Your account needs a sign-in step this page cannot show. Ask your administrator.',
  signin_failed: 'Sign-in failed. Please try again later.',
  signin_expired: 'That sign-in expired or was already used. Please start again.',
  signin_denied: 'The sign-in was cancelled.',
  invalid_request: 'Please fill in every field.',
  pingone_unavailable: 'PingOne is not answering. Please try again in a minute.',
  too_many_attempts: 'Too many wrong passwords or codes from your network.',
};

function signInError(state: PingSignInState): string {
  if (state.error === undefined) return '';
  let text = SIGN_IN_ERRORS[state.error];
  const waitFor = state.error === 'locked' || state.error === 'too_many_attempts';
  if (waitFor && state.retryAfterSeconds !== undefined) {
    const minutes = Math.max(1, Math.ceil(state.retryAfterSeconds / 60));
    text += ` Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
  }
  return `<p class="error" role="alert" id="signin-error">${escapeHtml(text)}</p>`;
}

/** The app's own sign-in page: plain forms, so it works with JavaScript off. */
export function signInPage(state: PingSignInState | undefined, hint?: string): string {
  if (state === undefined) {
    return layout(
      'Sign in',
      `<section class="card"><h1>Sign in</h1><p>Sign-in through this app is off: set PINGONE_SIGNIN_CLIENT_ID.</p></section>`,
    );
  }
  // returnTo, and what a step-up asked for: each step posts them back.
  const hidden = Object.entries(state.hiddenFields)
    .map(
      ([name, value]) =>
        `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`,
    )
    .join('');
  const form = (fields: string, button: string) =>
    `<form method="post" action="${escapeHtml(state.action)}" class="stack">
    ${hidden}
    ${fields}
    <button type="submit">${button}</button>
  </form>`;
  const field = (label: string, name: string, type: string, autocomplete: string, extra = '') =>
    `<label>${label}<input name="${name}" type="${type}" autocomplete="${autocomplete}" required ${extra}></label>`;
  const who = state.username
    ? `<p>Signing in as <strong>${escapeHtml(state.username)}</strong>.</p>`
    : '';
  let step: string;
  switch (state.status) {
    case 'OTP_REQUIRED':
      step = `${who}<p>Enter the one-time code PingOne sent you.</p>${form(
        field('Code', 'otp', 'text', 'one-time-code', 'inputmode="numeric"'),
        'Verify',
      )}`;
      break;
    case 'DEVICE_SELECTION_REQUIRED':
      step = `${who}<p>Where should PingOne send your code?</p>${form(
        (state.devices ?? [])
          .map(
            (device) =>
              `<label class="choice"><input type="radio" name="deviceId" value="${escapeHtml(device.id)}" required> ${escapeHtml(device.name)}</label>`,
          )
          .join(''),
        'Send code',
      )}`;
      break;
    case 'PASSWORD_EXPIRED':
    case 'MUST_CHANGE_PASSWORD':
      step = `${who}<p>Your password has expired: choose a new one.</p>${form(
        field('Current password', 'currentPassword', 'password', 'current-password') +
          field('New password', 'newPassword', 'password', 'new-password'),
        'Change password',
      )}`;
      break;
    default:
      step = form(
        field('Username', 'username', 'text', 'username', 'autofocus') +
          field('Password', 'password', 'password', 'current-password'),
        'Sign in',
      );
  }
  const restart =
    state.status === undefined
      ? ''
      : `<form method="post" action="${escapeHtml(state.action)}">${hidden}<button class="secondary" type="submit">Start over</button></form>`;
  const again = state.reauthenticate
    ? '<p id="reauthenticate">Please sign in again to continue.</p>'
    : '';
  return layout(
    'Sign in',
    `<section class="card">
  <h1>Sign in</h1>
  ${again}
  ${signInError(state)}
  ${step}
  ${restart}
  ${hint ? `<p class="muted">${escapeHtml(hint)}</p>` : ''}
</section>`,
  );
}
