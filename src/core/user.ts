/**
 * The signed-in user as PingOne's users API returns them (`GET /environments/{envID}/users/{id}`):
 * the fields most apps show are typed; everything else PingOne sends is there at run time as it
 * came. Type your own attributes by extending it and asking for it: `req.pingUser<MyUser>()`.
 * Only `id` is checked to be there; PingOne's example shows the rest on every user without
 * promising each (a user may have no email, or no family name). No index signature, so that a
 * misspelt field is a type error.
 */
export interface PingUser {
  readonly id: string;
  readonly username?: string;
  readonly email?: string;
  readonly name?: {
    readonly given?: string;
    readonly family?: string;
    readonly middle?: string;
    readonly formatted?: string;
  };
  readonly enabled?: boolean;
  readonly mfaEnabled?: boolean;
  readonly population?: { readonly id: string };
}

/** Whether a value, parsed from PingOne's answer or read back from a store, is a user. */
export function isPingUser(value: unknown): value is PingUser {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { id, username, email, name } = value as Record<string, unknown>;
  return (
    typeof id === 'string' &&
    id !== '' &&
    (username === undefined || typeof username === 'string') &&
    (email === undefined || typeof email === 'string') &&
    (name === undefined || (typeof name === 'object' && name !== null && !Array.isArray(name)))
  );
}
