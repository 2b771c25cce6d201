/**
 * A session as PingOne's reference example shows it, for fake PingOnes built by hand: every
 * field, in `environmentId`, active now and ending in 30 minutes. `overrides` replace top-level
 * fields; `undefined` removes one.
 */
export function sessionJson(
  environmentId: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Date.now();
  const api = `https://api.pingone.com/v1/environments/${environmentId}`;
  const session: Record<string, unknown> = {
    _links: {
      self: { href: `${api}/sessions/c2df5627-c9d6-46e1-8bbe-b5ace9037d5e` },
      environment: { href: api },
      user: { href: `${api}/users/07e1ee43-9f56-4254-8cfb-1709b5ea8e24` },
    },
    id: 'c2df5627-c9d6-46e1-8bbe-b5ace9037d5e',
    environment: { id: environmentId },
    user: { id: '07e1ee43-9f56-4254-8cfb-1709b5ea8e24' },
    createdAt: new Date(now - 60_000).toISOString(),
    activeAt: new Date(now).toISOString(),
    idleTimeoutInMinutes: 30,
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:103.0) Gecko/20100101 Firefox/103.0',
    browser: { name: 'Firefox', version: '103.0' },
    operatingSystem: { name: 'Mac OS X', version: '10.15' },
    device: { type: 'Mac' },
    locations: [
      { at: new Date(now).toISOString(), remoteIp: '174.1.62.19', city: 'port coquitlam' },
    ],
    lastSignOn: {
      remoteIp: '174.1.62.19',
      authenticators: ['pwd'],
      withAuthenticator: {
        pwd: {
          policy: { id: '874d5c7d-5e1c-4e73-b2b5-dfe1453b02f5', type: 'PINGONE' },
          at: new Date(now - 60_000).toISOString(),
        },
      },
      policy: { id: '874d5c7d-5e1c-4e73-b2b5-dfe1453b02f5', type: 'PINGONE' },
      at: new Date(now - 60_000).toISOString(),
    },
    expiresAt: new Date(now + 1_800_000).toISOString(),
  };
  for (const [field, value] of Object.entries(overrides)) {
    if (value === undefined) delete session[field];
    else session[field] = value;
  }
  return session;
}
