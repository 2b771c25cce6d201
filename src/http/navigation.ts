import type { Request } from 'express';

/**
 * Whether the request is a browser loading a page (a link, a typed URL, a form post), which wants
 * a redirect, rather than `fetch`/XHR or an API client, which wants a status and JSON.
 * `Sec-Fetch-Mode` decides where the browser sends it; older browsers are judged by an `Accept`
 * that names `text/html` (fetch sends `*\/*`, which must not count as HTML).
 */
export function isBrowserNavigation(req: Request): boolean {
  const mode = req.headers['sec-fetch-mode'];
  if (mode !== undefined) return mode === 'navigate';
  return (req.headers.accept ?? '').toLowerCase().includes('text/html');
}
