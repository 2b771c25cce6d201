import type { Flow } from './flow-model';

/*
 * The emulator's hosted sign-on page: one form per step PingOne's own page would show (password,
 * a new password when it expired, a device for the one-time code, the code), for every demo user.
 */

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; background: #f3f4f8; color: #1d2433; margin: 0;
         display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 4px 24px #0001;
         width: min(24rem, 90vw); }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  form { display: grid; gap: .75rem; }
  label { display: grid; gap: .25rem; }
  input:not([type=radio]) { font: inherit; padding: .5rem .6rem; border: 1px solid #d5d9e3;
                            border-radius: 8px; }
  button { font: inherit; padding: .6rem 1rem; border-radius: 8px; border: 1px solid #b3282d;
           background: #b3282d; color: #fff; cursor: pointer; }
  button.secondary { background: #fff; color: #b3282d; }
  .error { color: #b3282d; font-weight: 600; }
  .muted { color: #5b6478; font-size: .9rem; }`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · PingOne emulator</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

const field = (label: string, name: string, type: string, autocomplete: string) =>
  `<label>${label}<input name="${name}" type="${type}" autocomplete="${autocomplete}" required></label>`;

/** The step the flow is at, as a form that posts back to the page. */
export function renderHostedPage(environmentId: string, flow: Flow, error?: string): string {
  let title: string;
  let fields: string;
  switch (flow.status) {
    case 'PASSWORD_EXPIRED':
      title = 'Your password has expired';
      fields =
        field('Current password', 'currentPassword', 'password', 'current-password') +
        field('New password', 'newPassword', 'password', 'new-password');
      break;
    case 'DEVICE_SELECTION_REQUIRED':
      title = 'Where should we send your code?';
      fields = (flow.user?.devices ?? [])
        .map(
          (device) =>
            `<label><span><input type="radio" name="deviceId" value="${escapeHtml(device.id)}" required> ${escapeHtml(
              `${device.type} ${device.phone ?? device.email ?? ''}`.trim(),
            )}</span></label>`,
        )
        .join('');
      break;
    case 'OTP_REQUIRED':
      title = 'Enter your one-time code';
      fields = field('Code', 'otp', 'text', 'one-time-code');
      break;
    default:
      title = flow.existingToken === undefined ? 'Sign on' : 'Sign on again';
      fields =
        field('Username', 'username', 'text', 'username') +
        field('Password', 'password', 'password', 'current-password');
  }
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/${escapeHtml(environmentId)}/signon/hosted">
  <input type="hidden" name="flowId" value="${escapeHtml(flow.id)}">
  ${fields}
  <button type="submit" id="next">Continue</button>
</form>
<form method="post" action="/${escapeHtml(environmentId)}/signon/hosted">
  <input type="hidden" name="flowId" value="${escapeHtml(flow.id)}">
  <button class="secondary" type="submit" name="cancel" value="true" id="cancel">Cancel</button>
</form>
<p class="muted">PingOne emulator: every demo user's password is the demo password.</p>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`);
}
