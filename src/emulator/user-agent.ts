import type {
  PingSessionBrowser,
  PingSessionDevice,
  PingSessionOperatingSystem,
} from '../core/session';

export interface ParsedUserAgent {
  browser: PingSessionBrowser;
  operatingSystem: PingSessionOperatingSystem;
  device: PingSessionDevice;
}

/** Most specific first: Edge and Opera also say "Chrome", Chrome also says "Safari". */
const BROWSERS: [name: string, pattern: RegExp][] = [
  ['Edge', /Edg(?:e|A|iOS)?\/([\d.]+)/],
  ['Opera', /OPR\/([\d.]+)/],
  ['HeadlessChrome', /HeadlessChrome\/([\d.]+)/],
  ['Chromium', /Chromium\/([\d.]+)/],
  ['Chrome', /(?:Chrome|CriOS)\/([\d.]+)/],
  ['Firefox', /(?:Firefox|FxiOS)\/([\d.]+)/],
  ['Safari', /Version\/([\d.]+).*Safari\//],
];

const SYSTEMS: [name: string, pattern: RegExp, device: string][] = [
  ['iOS', /(?:iPhone|iPad|iPod).*? OS ([\d_]+)/, 'iPhone'],
  ['Android', /Android ([\d.]+)/, 'Android'],
  ['Windows', /Windows NT ([\d.]+)/, 'Windows'],
  ['Mac OS X', /Mac OS X ([\d_.]+)/, 'Mac'],
  ['Chrome OS', /CrOS \S+ ([\d.]+)/, 'Chromebook'],
  ['Linux', /Linux()/, 'Linux'],
];

/** Reads a User-Agent the way PingOne summarises it in a session. Unknown parts say "Other". */
export function parseUserAgent(userAgent: string): ParsedUserAgent {
  const browser = BROWSERS.find(([, pattern]) => pattern.test(userAgent));
  const system = SYSTEMS.find(([, pattern]) => pattern.test(userAgent));
  return {
    browser: {
      name: browser?.[0] ?? 'Other',
      version: (browser && browser[1].exec(userAgent)?.[1]) ?? '',
    },
    operatingSystem: {
      name: system?.[0] ?? 'Other',
      version: ((system && system[1].exec(userAgent)?.[1]) ?? '').replace(/_/g, '.'),
    },
    device: { type: system?.[2] ?? 'Other' },
  };
}
