import { isListedSession, type PingUserSession } from '../core/session';
import { isPingUser, type PingUser } from '../core/user';
import {
  badResponseError,
  errorFromResponse,
  isJsonResponse,
  parseJson,
  type UpstreamResponse,
} from './http';
import { apiMisconfiguration, isPingOneNotFound } from './misconfiguration';
import { LOGOUT_CONTENT_TYPE, type AuthorizedSend } from './pingone-client';

/** A listed session, before it is compared with the request's own. */
export type ListedSession = Omit<PingUserSession, 'current'>;

/**
 * PingOne's calls about a user and their sessions, with the worker token (FLOWS.md §5–§6). IDs
 * come from PingOne's own answers (a session's `user.id`, the user's session list), never from
 * the browser unchecked.
 */
export interface DirectoryClient {
  /** `GET users/{userID}`; `null` when PingOne has no such user (deleted meanwhile). */
  readUser(userId: string): Promise<PingUser | null>;
  /** `GET users/{userID}/sessions`: at most ten, as PingOne orders them, expired ones included. */
  listSessions(userId: string): Promise<ListedSession[]>;
  /** `DELETE users/{userID}/sessions/{sessionID}`; resolves when the session is gone. */
  deleteSession(userId: string, sessionId: string): Promise<void>;
  /** `POST sessions/{sessionID}` with the logout media type; resolves when the session is gone. */
  resetSession(sessionId: string): Promise<void>;
}

export function createDirectoryClient(
  options: { apiPath: string; environmentId: string },
  authorized: AuthorizedSend,
  reported: <T>(work: Promise<T>) => Promise<T>,
): DirectoryClient {
  const environment = `${options.apiPath}/environments/${options.environmentId}`;
  const user = (userId: string) => `${environment}/users/${encodeURIComponent(userId)}`;

  const read = (operation: string, url: string) =>
    authorized({
      operation,
      method: 'GET',
      url,
      headers: { Accept: 'application/json' },
      retry: 'idempotent',
      lane: 'directory',
    });

  /** A `204`, or PingOne's `404 NOT_FOUND` (already gone): either way the session is over. */
  const ended = (operation: string) => (response: UpstreamResponse) => {
    if (response.status === 204 || isPingOneNotFound(response)) return;
    throw errorFromResponse(operation, response, apiMisconfiguration(response));
  };

  return {
    readUser: (userId) =>
      reported(
        read('GET users', user(userId)).then((response) => {
          if (isPingOneNotFound(response)) return null;
          const body = okJson('GET users', response);
          if (!isPingUser(body) || body.id !== userId)
            throw badResponseError('GET users', response);
          return body;
        }),
      ),
    listSessions: (userId) =>
      reported(
        read('GET users/sessions', `${user(userId)}/sessions`).then((response) => {
          const body = okJson('GET users/sessions', response) as {
            _embedded?: { sessions?: unknown };
          };
          const sessions = body?._embedded?.sessions;
          if (!Array.isArray(sessions)) throw badResponseError('GET users/sessions', response);
          // One malformed entry is left out rather than failing the whole list.
          return sessions.filter(
            (session): session is ListedSession =>
              isListedSession(session) && session.user.id === userId,
          );
        }),
      ),
    deleteSession: (userId, sessionId) =>
      reported(
        authorized({
          operation: 'DELETE users/sessions',
          method: 'DELETE',
          url: `${user(userId)}/sessions/${encodeURIComponent(sessionId)}`,
          headers: {},
          retry: 'unsent',
          lane: 'reset',
        }).then(ended('DELETE users/sessions')),
      ),
    resetSession: (sessionId) =>
      reported(
        authorized({
          operation: 'POST sessions',
          method: 'POST',
          url: `${environment}/sessions/${encodeURIComponent(sessionId)}`,
          headers: { 'Content-Type': LOGOUT_CONTENT_TYPE },
          body: '',
          retry: 'unsent',
          lane: 'reset',
        }).then(ended('POST sessions')),
      ),
  };
}

/** The JSON body of a `200`, or the error the answer amounts to. */
function okJson(operation: string, response: UpstreamResponse): unknown {
  if (response.status !== 200) {
    throw errorFromResponse(operation, response, apiMisconfiguration(response));
  }
  if (!isJsonResponse(response)) throw badResponseError(operation, response);
  return parseJson(response.body);
}
