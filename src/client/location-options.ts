import { ConfigError } from '../core/errors';
import { received } from '../config/validations';
import { isLoopbackHostname } from '../http/loopback';
import { isRegion, REGIONS, type PingOneRegion } from './regions';

/** Where PingOne is: the environment, its region, and the two hosts' base URLs. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkEnvironmentId(
  value: unknown,
  option = 'environmentId (or PINGONE_ENVIRONMENT_ID)',
): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    const spaced = typeof value === 'string' && UUID.test(value.trim());
    throw new ConfigError(
      'ERR_PINGONE_ENVIRONMENT_ID',
      `${option} ${received(value)}` +
        (spaced
          ? ', with spaces or line breaks around the UUID: remove them.'
          : '; it must be the UUID of your PingOne environment, as shown under Environment > ' +
            'Properties in the PingOne console.'),
    );
  }
  return value.toLowerCase();
}

/** Region names in any case: `eu` is `EU`. */
export function checkRegion(value: unknown): PingOneRegion {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (!isRegion(upper)) {
    throw new ConfigError(
      'ERR_PINGONE_REGION',
      `region (or PINGONE_REGION) ${received(value)}; it must be one of ` +
        `${Object.keys(REGIONS).join(', ')}.`,
    );
  }
  return upper;
}

/** Returns the base URL without a trailing slash. */
export function checkBaseUrl(
  option: 'apiPath' | 'authPath',
  envVar: string,
  value: unknown,
): string {
  const code = option === 'apiPath' ? 'ERR_PINGONE_API_PATH' : 'ERR_PINGONE_AUTH_PATH';
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new ConfigError(code, `${option} (or ${envVar}) must be an absolute URL.`);
  }
  const secure =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostname(url.hostname));
  if (!secure) {
    throw new ConfigError(
      code,
      `${option} (or ${envVar}) must use https: (plain http: is allowed only for localhost or ` +
        '127.0.0.1, such as the emulator), because the access token travels on it.',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new ConfigError(
      code,
      `${option} (or ${envVar}) must be a plain base URL, without credentials, query or fragment.`,
    );
  }
  const base = url.href.replace(/\/+$/, '');
  // Without the version, every call reaches a path PingOne does not serve: its 404 would read as
  // "no session" for everyone.
  if (option === 'apiPath' && !base.endsWith('/v1')) {
    throw new ConfigError(
      code,
      `apiPath (or ${envVar}) ${received(base)}; it must end in PingOne's API version /v1, ` +
        'such as https://api.pingone.eu/v1.',
    );
  }
  return base;
}

/**
 * PingOne is only ever https: a plain-http base URL is a server on this machine (the emulator,
 * say). Fine in development and tests; said loudly, once, under `NODE_ENV=production`, where it
 * signs anybody in with a demo password. A warning, not a refusal: a local proxy is possible.
 */
export function warnOfLocalPingOne(bases: readonly string[], nodeEnv: string | undefined): void {
  if (nodeEnv !== 'production') return;
  const local = bases.filter((base) => base.startsWith('http:'));
  if (local.length === 0) return;
  process.emitWarning(
    `pingSession() talks to ${local.join(' and ')}, a server on this machine over plain http ` +
      '(the PingOne emulator?), with NODE_ENV=production. Point apiPath and authPath (or ' +
      'PINGONE_REGION) at PingOne.',
    { code: 'PINGONE_NOT_PINGONE' },
  );
}
