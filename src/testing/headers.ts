/**
 * What a browser sends with a `fetch` or form post from one of the app's own pages. The logout
 * and sign-in routes refuse a post without origin information as they refuse one from another
 * site (cross-site request forgery), so a test's post sends these: supertest
 * `.set(sameOrigin)`, `fetch(url, { method: 'POST', headers: { ...sameOrigin } })`.
 */
export const sameOrigin: Readonly<Record<string, string>> = Object.freeze({
  'Sec-Fetch-Site': 'same-origin',
});

/**
 * A browser navigation from one of the app's own pages (a link followed, a form posted):
 * `requireSession({ loginUrl })` redirects it to sign in, and the logout and sign-in routes
 * answer it with a `303` redirect instead of JSON.
 */
export const navigation: Readonly<Record<string, string>> = Object.freeze({
  'Sec-Fetch-Site': 'same-origin',
  'Sec-Fetch-Mode': 'navigate',
  Accept: 'text/html',
});
