/*
 * Sessions shaped like a real tenant's, for the heap and hit figures: every field PingOne's
 * reference shows, two locations with city, region and country, a password and one-time-code
 * sign-on, a full desktop user agent; IDs, times and addresses differ from session to session,
 * browsers and places repeat as they do among real users.
 */
const ENVIRONMENT_ID = 'a3f2c1d4-5b6e-4f70-8a9b-0c1d2e3f4a5b';
const POLICY = { id: '874d5c7d-5e1c-4e73-b2b5-dfe1453b02f5', type: 'PINGONE' };
const AGENTS = [
  {
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
    browser: { name: 'Edge', version: '131.0.0.0' },
    operatingSystem: { name: 'Windows', version: '10' },
    device: { type: 'Computer' },
  },
  {
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
    browser: { name: 'Safari', version: '18.1' },
    operatingSystem: { name: 'Mac OS X', version: '10.15.7' },
    device: { type: 'Mac' },
  },
  {
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
    browser: { name: 'Chrome', version: '131.0.0.0' },
    operatingSystem: { name: 'Linux', version: '' },
    device: { type: 'Computer' },
  },
];
const PLACES = [
  { city: 'port coquitlam', region: 'british columbia', country: 'canada' },
  { city: 'denver', region: 'colorado', country: 'united states' },
  { city: 'frankfurt am main', region: 'hesse', country: 'germany' },
  { city: 'sydney', region: 'new south wales', country: 'australia' },
];

const uuid = (n: number, salt: number) => {
  const hex = ((n * 2654435761 + salt * 40503) >>> 0).toString(16).padStart(8, '0');
  return `${hex}-${hex.slice(0, 4)}-4${hex.slice(1, 4)}-8${hex.slice(4, 7)}-${hex}${hex.slice(0, 4)}`;
};
const ip = (n: number, salt: number) =>
  `${(n % 200) + 20}.${(n >> 3) % 250}.${(n * 7 + salt) % 250}.${(n * 13 + salt) % 250}`;

/** Session number `n`, as JSON text (PingOne's answer), active now. */
export function realisticSessionJson(n: number, now = Date.now()): string {
  const api = `https://api.pingone.com/v1/environments/${ENVIRONMENT_ID}`;
  const id = uuid(n, 1);
  const userId = uuid(n, 2);
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000 - (n % 997)).toISOString();
  const agent = AGENTS[n % AGENTS.length]!;
  const here = PLACES[n % PLACES.length]!;
  const before = PLACES[(n + 1) % PLACES.length]!;
  return JSON.stringify({
    _links: {
      self: { href: `${api}/sessions/${id}` },
      environment: { href: api },
      user: { href: `${api}/users/${userId}` },
    },
    id,
    environment: { id: ENVIRONMENT_ID },
    user: { id: userId },
    createdAt: at(7200),
    activeAt: at(30),
    expiresAt: new Date(now + 29 * 60_000).toISOString(),
    idleTimeoutInMinutes: 30,
    userAgent: agent.userAgent,
    browser: agent.browser,
    operatingSystem: agent.operatingSystem,
    device: agent.device,
    locations: [
      { at: at(30), remoteIp: ip(n, 1), ...here },
      { at: at(7200), remoteIp: ip(n, 2), ...before },
    ],
    lastSignOn: {
      remoteIp: ip(n, 2),
      authenticators: ['pwd', 'otp'],
      withAuthenticator: {
        pwd: { policy: POLICY, at: at(7200) },
        otp: { policy: POLICY, at: at(7190) },
      },
      policy: POLICY,
      at: at(7190),
    },
  });
}
