import { DEMO_USERS } from './demo-users';

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The page where a person picks a demo user to sign on as. */
export function renderSignOnPage(action: string, returnTo: string): string {
  const users = DEMO_USERS.map(
    (user) => `
      <li><button name="user" value="${escapeHtml(user.username)}">
        <strong>${escapeHtml(user.name)}</strong><span>${escapeHtml(user.username)}</span>
      </button></li>`,
  ).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign on · PingOne emulator</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; background: #f3f4f8; color: #1d2433; margin: 0;
         display: grid; place-items: center; min-height: 100vh; }
  main { background: #fff; padding: 2rem; border-radius: 12px; box-shadow: 0 4px 24px #0001;
         width: min(24rem, 90vw); }
  h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
  p { color: #5b6478; margin: 0 0 1.5rem; }
  ul { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
  button { width: 100%; display: flex; justify-content: space-between; padding: .75rem 1rem;
           border: 1px solid #d5d9e3; border-radius: 8px; background: #fff; font: inherit;
           cursor: pointer; }
  button:hover, button:focus { border-color: #b3282d; outline: none; }
  span { color: #5b6478; }
</style>
</head>
<body>
<main>
  <h1>Sign on</h1>
  <p>PingOne emulator: pick a demo user.</p>
  <form method="post" action="${escapeHtml(action)}">
    <input type="hidden" name="returnTo" value="${escapeHtml(returnTo)}">
    <ul>${users}
    </ul>
  </form>
</main>
</body>
</html>`;
}
