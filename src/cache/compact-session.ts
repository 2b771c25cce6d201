/**
 * The sessions of one tenant repeat most of their content: the environment, the sign-on
 * policies, browsers, operating systems, places and user agents; and one session repeats its own
 * times (a sign-on's time is also its authenticators' and a location's). Before a session is
 * cached, its repeated parts are replaced by one shared, frozen copy, so that a cache entry holds
 * little more than what is its own (IDs, times, addresses). This runs once per session read from
 * PingOne or the shared store, never on a cache hit; the session stays deep-equal to what PingOne
 * sent.
 */

/** Objects shared between sessions, by what they hold; only under these names do they repeat. */
const SHARED_OBJECTS = new Set([
  'environment',
  'browser',
  'operatingSystem',
  'device',
  'policy',
  'authenticators',
]);
/** Strings shared between sessions: only these repeat among users. */
const SHARED_STRINGS = new Set(['userAgent', 'city', 'region', 'country']);
/**
 * Most distinct shared values kept; past it the tables start again, so a tenant with unusual
 * variety (or a PingOne that put unique values under these names) costs sharing, not memory.
 */
const MAX_SHARED = 4096;

const sharedObjects = new Map<string, object>();
const sharedStrings = new Map<string, string>();

/** `session`, its repeated parts shared; a frozen session (already compacted) as it is. */
export function compactSession<T>(session: T): T {
  if (typeof session !== 'object' || session === null || Object.isFrozen(session)) return session;
  const record = session as Record<string, unknown>;
  const links = derivedLinks(record);
  compact(record, undefined, new Map());
  if (links !== undefined) record._links = links;
  return session;
}

/** The session that `_links` objects made by {@link derivedLinks} describe. */
const OWNER = Symbol('session');
const linkDescriptors = new Map<string, PropertyDescriptorMap>();

/**
 * PingOne's `_links` name the session and its user under the environment's URL, some 400 bytes
 * of text a session holds only twice over. When they are exactly that, they are replaced by an
 * object with the same three enumerable properties, computed when read (JSON, spreading and
 * comparison see the same links); else left as they came.
 */
function derivedLinks(session: Record<string, unknown>): object | undefined {
  const links = session._links as Record<string, { href?: unknown } | undefined> | undefined;
  const base = links?.environment?.href;
  const userId = (session.user as { id?: unknown } | undefined)?.id;
  if (
    typeof base !== 'string' ||
    Object.keys(links!).length !== 3 ||
    links!.self?.href !== `${base}/sessions/${String(session.id)}` ||
    links!.user?.href !== `${base}/users/${String(userId)}`
  ) {
    return undefined;
  }
  const descriptors =
    linkDescriptors.get(base) ?? share(linkDescriptors, base, descriptorsFor(base));
  return Object.defineProperties(new DerivedLinks(session), descriptors);
}

/** Holds only its session (an object literal would reserve room for four properties). */
class DerivedLinks {
  declare readonly [OWNER]: object;

  constructor(session: object) {
    Object.defineProperty(this, OWNER, { value: session });
  }
}

function descriptorsFor(base: string): PropertyDescriptorMap {
  type Derived = { [OWNER]: { id: string; user: { id: string } } };
  const link = (href: string) => Object.freeze({ href });
  return {
    self: {
      enumerable: true,
      get(this: Derived) {
        return link(`${base}/sessions/${this[OWNER].id}`);
      },
    },
    environment: { enumerable: true, get: () => link(base) },
    user: {
      enumerable: true,
      get(this: Derived) {
        return link(`${base}/users/${this[OWNER].user.id}`);
      },
    },
  };
}

function compact(value: unknown, name: string | undefined, own: Map<string, string>): unknown {
  if (typeof value === 'string') {
    if (name !== undefined && SHARED_STRINGS.has(name)) {
      return share(sharedStrings, value, value);
    }
    const known = own.get(value);
    if (known !== undefined) return known;
    own.set(value, value);
    return value;
  }
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (name !== undefined && SHARED_OBJECTS.has(name) && isFlat(value)) {
    return share(sharedObjects, JSON.stringify(value), Object.freeze(value));
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) value[i] = compact(value[i], name, own);
  } else {
    for (const key of Object.keys(record)) record[key] = compact(record[key], key, own);
  }
  return value;
}

/** An object or array of primitives only. */
function isFlat(value: object): boolean {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) return false;
  }
  return true;
}

function share<T>(table: Map<string, T>, id: string, value: T): T {
  const known = table.get(id);
  if (known !== undefined) return known;
  if (table.size >= MAX_SHARED) table.clear();
  table.set(id, value);
  return value;
}
