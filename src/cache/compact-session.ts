/**
 * The sessions of one tenant repeat most of their content: the environment, the sign-on
 * policies, browsers, operating systems, places and user agents; and one session repeats its own
 * times (a sign-on's time is also its authenticators' and a location's). Before a session is
 * cached, its repeated parts are replaced by one shared, frozen copy, so that a cache entry holds
 * little more than what is its own (IDs, times, addresses). This runs once per session read from
 * PingOne or the shared store, never on a cache hit; the session stays deep-equal to what PingOne
 * sent.
 */

/** Most distinct shared values kept; past it a table starts again, costing sharing, not memory. */
const MAX_SHARED = 4096;

const sharedObjects = new Map<string, object>();
const sharedStrings = new Map<string, string>();

type Fields = Record<string, unknown>;

/**
 * `session`, its repeated parts shared; a frozen session (already compacted) as it is. Directed
 * by PingOne's session shape rather than a walk of every field, since it runs on every read from
 * PingOne or the shared store: fields it does not know, or that are not shaped as documented,
 * are left as they came.
 */
export function compactSession<T>(session: T): T {
  if (!isOpen(session)) return session;
  const fields = session as Fields;
  const links = fields._links instanceof DerivedLinks ? fields._links : derivedLinks(fields);
  // A handful of times at most: a scan costs less than hashing each fresh string for a Map.
  const own: string[] = [];
  const ownString = (value: unknown) => {
    if (typeof value !== 'string') return value;
    for (const known of own) if (known === value) return known;
    own.push(value);
    return value;
  };
  for (const name of ['environment', 'browser', 'operatingSystem', 'device']) {
    replace(fields, name, (value) => sharedObject(name, value));
  }
  replace(fields, 'userAgent', sharedString);
  replace(fields, 'createdAt', ownString);
  replace(fields, 'activeAt', ownString);
  const locations = fields.locations;
  if (Array.isArray(locations) && !Object.isFrozen(locations)) {
    for (const location of locations) {
      if (!isOpen(location)) continue;
      replace(location, 'at', ownString);
      replace(location, 'remoteIp', ownString);
      for (const name of ['city', 'state', 'region', 'country']) {
        replace(location, name, sharedString);
      }
    }
  }
  const last = fields.lastSignOn;
  if (isOpen(last)) {
    replace(last, 'at', ownString);
    replace(last, 'remoteIp', ownString);
    replace(last, 'policy', (value) => sharedObject('policy', value));
    replace(last, 'authenticators', (value) => sharedObject('authenticators', value));
    const used = last.withAuthenticator;
    if (isOpen(used)) {
      for (const name of Object.keys(used)) {
        const authenticator = used[name];
        if (!isOpen(authenticator)) continue;
        replace(authenticator, 'at', ownString);
        replace(authenticator, 'policy', (value) => sharedObject('policy', value));
      }
    }
  }
  if (links !== undefined) fields._links = links;
  return session;
}

/** An object (or array) not yet frozen: one this function may change. */
function isOpen(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Object.isFrozen(value);
}

/** Replaces a field that is there; adding one would change the session's JSON and shape. */
function replace(fields: Fields, name: string, by: (value: unknown) => unknown): void {
  if (Object.hasOwn(fields, name)) fields[name] = by(fields[name]);
}

function sharedString(value: unknown): unknown {
  return typeof value === 'string' ? share(sharedStrings, value, value) : value;
}

/** A shared object, with its own keys in order, as compared by {@link sameFlat}. */
interface Recent {
  shared: Fields;
  keys: string[];
}

/** How many shared objects of each name are compared before their JSON is looked up. */
const RECENT_PER_NAME = 8;
const recentObjects = new Map<string, Recent[]>();

/**
 * One frozen copy of a small object of primitives, such as a browser or a sign-on policy. The
 * few last shared under its name are compared field by field first: a tenant's sessions mostly
 * repeat a few of each, and the comparison costs a fraction of the JSON text and its lookup.
 */
function sharedObject(name: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || !isFlat(value)) {
    return value;
  }
  let recent = recentObjects.get(name);
  if (recent === undefined) recentObjects.set(name, (recent = []));
  for (const known of recent) {
    if (sameFlat(known, value as Fields)) return known.shared;
  }
  const shared = share(sharedObjects, `${name}${JSON.stringify(value)}`, Object.freeze(value));
  recent.unshift({ shared: shared as Fields, keys: Object.keys(shared) });
  if (recent.length > RECENT_PER_NAME) recent.pop();
  return shared;
}

/** Same kind (array or not), same own keys in the same order, same values: the same JSON. */
function sameFlat({ shared, keys }: Recent, value: Fields): boolean {
  if (Array.isArray(shared) !== Array.isArray(value)) return false;
  let i = 0;
  for (const name in value) {
    if (name !== keys[i] || value[name] !== shared[name]) return false;
    i += 1;
  }
  return i === keys.length;
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
  const base = derivableLinksBase(session);
  return base === undefined ? undefined : linksOf(session, base);
}

/**
 * The environment URL the session's `_links` are made of, when they are exactly the three
 * PingOne sends (see {@link derivedLinks}), so that a store may keep that URL in their place.
 */
export function derivableLinksBase(session: Record<string, unknown>): string | undefined {
  const links = session._links as Record<string, { href?: unknown } | undefined> | undefined;
  if (typeof links !== 'object' || links === null) return undefined;
  const base = links.environment?.href;
  const userId = (session.user as { id?: unknown } | undefined)?.id;
  if (
    typeof base !== 'string' ||
    Object.keys(links).length !== 3 ||
    links.self?.href !== `${base}/sessions/${String(session.id)}` ||
    links.user?.href !== `${base}/users/${String(userId)}`
  ) {
    return undefined;
  }
  return base;
}

/** The session's `_links`, derived from its IDs and the environment URL `base`. */
export function linksOf(session: object, base: string): object {
  const descriptors =
    linkDescriptors.get(base) ?? share(linkDescriptors, base, descriptorsFor(base));
  // Frozen now, so that freezing the session does not call the getters to walk their links.
  return Object.freeze(Object.defineProperties(new DerivedLinks(session), descriptors));
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

/** An object or array of primitives only. */
function isFlat(value: object): boolean {
  const fields = value as Fields;
  const names = Object.keys(fields);
  for (let i = 0; i < names.length; i += 1) {
    const child = fields[names[i]!];
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
