import { request as httpRequest } from 'node:http';
import { CookieJar } from 'tough-cookie';

/*
 * A small browser for tests of redirect flows across origins (an app, the emulator, a second app):
 * one cookie jar that keeps each host's cookies as a browser does (Path, HttpOnly, expiry), real
 * HTTP, redirects followed as navigations, and the form posts a person makes on a page. No
 * JavaScript, no rendering: Chromium does that in test/e2e.
 */

export interface Page {
  status: number;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class Browser {
  readonly jar = new CookieJar();
  /** Every request sent, in order: method and URL. */
  readonly visited: string[] = [];

  /** A navigation to `url`, redirects followed; the page it ends on. */
  async goto(url: string, referrer?: string): Promise<Page> {
    return this.follow(await this.send('GET', url, undefined, referrer));
  }

  /** A form post as a page sends it (a navigation), redirects followed. */
  async submit(url: string, fields: Record<string, string>, from: string): Promise<Page> {
    return this.follow(await this.send('POST', url, new URLSearchParams(fields).toString(), from));
  }

  /** One request, no redirect followed. */
  async fetch(
    method: string,
    url: string,
    options: { body?: string; from?: string; headers?: Record<string, string> } = {},
  ): Promise<Page> {
    return this.send(method, url, options.body, options.from, options.headers);
  }

  /** The value of a cookie this browser would send to `url`. */
  async cookie(url: string, name: string): Promise<string | undefined> {
    return (await this.jar.getCookies(url)).find((cookie) => cookie.key === name)?.value;
  }

  private async follow(page: Page): Promise<Page> {
    let current = page;
    for (let hops = 0; current.status >= 300 && current.status < 400; hops += 1) {
      if (hops === 10) throw new Error(`too many redirects from ${page.url}`);
      const next = new URL(String(current.headers.location), current.url).href;
      current = await this.send('GET', next, undefined, current.url);
    }
    return current;
  }

  private async send(
    method: string,
    url: string,
    body: string | undefined,
    from: string | undefined,
    extra: Record<string, string> = {},
  ): Promise<Page> {
    this.visited.push(`${method} ${url}`);
    const target = new URL(url);
    const site = from === undefined ? 'none' : sameOrigin(from, url) ? 'same-origin' : 'cross-site';
    const headers: Record<string, string> = {
      Accept: 'text/html',
      'Sec-Fetch-Mode': 'navigate',
      'Sec-Fetch-Site': site,
      'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) Test browser',
      ...(body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
      ...extra,
    };
    const cookies = await this.jar.getCookieString(url);
    if (cookies !== '') headers.Cookie = cookies;
    const answer = await new Promise<Page>((resolve, reject) => {
      const req = httpRequest(target, { method, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, url, headers: res.headers, body: text }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });
    for (const cookie of [answer.headers['set-cookie'] ?? []].flat()) {
      await this.jar.setCookie(cookie, url, { ignoreError: true });
    }
    return answer;
  }
}

function sameOrigin(a: string, b: string): boolean {
  return new URL(a).origin === new URL(b).origin;
}

/** The hidden and named inputs of the first form on a page, and where it posts. */
export function formOf(page: Page): { action: string; fields: Record<string, string> } {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(page.body);
  if (form === null) throw new Error(`no form on ${page.url} (${page.status})`);
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name !== undefined && value !== undefined) fields[name] = value.replace(/&amp;/g, '&');
  }
  return { action: new URL(form[1]!.replace(/&amp;/g, '&'), page.url).href, fields };
}
