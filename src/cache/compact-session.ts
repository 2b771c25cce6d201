import { deepFreeze } from './deep-freeze';

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
 * `session`, its repeated parts shared and every object in it frozen (one session object serves
 * every request that hits its entry: see deepFreeze); a frozen session (already kept) as it is.
 * One walk over each object's own fields does both, directed by PingOne's session shape: fields
 * it does not know, or not shaped as documented, are frozen as they came. It runs on every read
 * from PingOne or the shared store: sharing, then freezing in a second walk, read every field
 * twice, by a name that varies, the costliest kind of property read.
 */
export function compactSession<T>(session: T): T {
  if (!isOpen(session)) return session;
  const fields = session as Fields;
  const links = fields._links instanceof DerivedLinks ? fields._links : derivedLinks(fields);
  const own: string[] = [];
  const names = Object.keys(fields);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    const value = fields[name];
    // Each branch leaves its field frozen, and nothing it froze is asked again: asking whether
    // an object is frozen walks its properties, and shared parts are frozen long before.
    switch (name) {
      case 'environment':
      case 'browser':
      case 'operatingSystem':
      case 'device':
        fields[name] = sharedObject(name, value);
        break;
      case 'userAgent':
        fields[name] = sharedString(value);
        break;
      case 'createdAt':
      case 'activeAt':
        fields[name] = ownString(own, value);
        break;
      case 'locations':
        if (Array.isArray(value) && !Object.isFrozen(value)) {
          for (const location of value) {
            if (isOpen(location)) compactLocation(location, own);
          }
          Object.freeze(value);
        } else deepFreeze(value);
        break;
      case 'lastSignOn':
        if (isOpen(value)) compactLastSignOn(value, own);
        break;
      case '_links':
        if (links !== undefined) fields._links = links;
        else deepFreeze(value);
        break;
      default:
        deepFreeze(value);
    }
  }
  return Object.freeze(session);
}

/** A handful of times at most: a scan costs less than hashing each fresh string for a Map. */
function ownString(own: string[], value: unknown): unknown {
  if (typeof value !== 'string') return deepFreeze(value);
  for (const known of own) if (known === value) return known;
  own.push(value);
  return value;
}

function compactLocation(location: Fields, own: string[]): void {
  const names = Object.keys(location);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    switch (name) {
      case 'at':
      case 'remoteIp':
        location[name] = ownString(own, location[name]);
        break;
      case 'city':
      case 'state':
      case 'region':
      case 'country':
        location[name] = sharedString(location[name]);
        break;
      default:
        deepFreeze(location[name]);
    }
  }
  Object.freeze(location);
}

function compactLastSignOn(last: Fields, own: string[]): void {
  const names = Object.keys(last);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    const value = last[name];
    switch (name) {
      case 'at':
      case 'remoteIp':
        last[name] = ownString(own, value);
        break;
      case 'policy':
      case 'authenticators':
        last[name] = sharedObject(name, value);
        break;
      case 'withAuthenticator':
        if (isOpen(value)) {
          for (const method of Object.keys(value)) {
            const authenticator = value[method];
            if (isOpen(authenticator)) compactAuthenticator(authenticator, own);
          }
          Object.freeze(value);
        }
        break;
      default:
        deepFreeze(value);
    }
  }
  Object.freeze(last);
}

function compactAuthenticator(authenticator: Fields, own: string[]): void {
  const names = Object.keys(authenticator);
  for (let i = 0; i < names.length; i += 1) {
    const name = names[i]!;
    if (name === 'at') authenticator.at = ownString(own, authenticator.at);
    else if (name === 'policy') authenticator.policy = sharedObject('policy', authenticator.policy);
    else deepFreeze(authenticator[name]);
  }
  Object.freeze(authenticator);
}

/** An object (or array) not yet frozen: one this function may change. */
function isOpen(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Object.isFrozen(value);
}

function sharedString(value: unknown): unknown {
  return typeof value === 'string' ? share(sharedStrings, value, value) : deepFreeze(value);
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
 * Anything else is frozen as it is.
 */
function sharedObject(name: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || !isFlat(value)) {
    return deepFreeze(value);
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
    linkDescriptors.get(base) ?? share(linkDescriptors, base, DerivedLinks.descriptorsFor(base));
  // Frozen now, so that freezing the session does not call the getters to walk their links.
  return Object.freeze(Object.defineProperties(new DerivedLinks(session), descriptors));
}

type LinkedSession = { id: string; user: { id: string } };

/**
 * Holds only the session its links describe (an object literal would reserve room for four
 * properties), in a private field: JSON, spreading and reflection see the three links only.
 */
class DerivedLinks {
  readonly #session: LinkedSession;

  constructor(session: object) {
    this.#session = session as LinkedSession;
  }

  static descriptorsFor(base: string): PropertyDescriptorMap {
    const link = (href: string) => Object.freeze({ href });
    return {
      self: {
        enumerable: true,
        get(this: DerivedLinks) {
          return link(`${base}/sessions/${this.#session.id}`);
        },
      },
      environment: { enumerable: true, get: () => link(base) },
      user: {
        enumerable: true,
        get(this: DerivedLinks) {
          return link(`${base}/users/${this.#session.user.id}`);
        },
      },
    };
  }
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
