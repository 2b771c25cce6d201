import { startEmulator, type Emulator } from '../../src/emulator';
import { DEMO_USERS } from '../../src/emulator/demo-users';

let emulator: Emulator;
let accessToken: string;
beforeEach(async () => {
  emulator = await startEmulator();
  accessToken = emulator.issueAccessToken();
});
afterEach(() => emulator.close());

const ada = DEMO_USERS.find((user) => user.username === 'ada')!;
const env = () => `${emulator.apiPath}/environments/${emulator.environmentId}`;
const call = (path: string, init: RequestInit = {}) =>
  fetch(`${env()}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${accessToken}`, ...init.headers },
  });
const json = async (path: string) =>
  (await call(path)).json() as Promise<
    { _embedded: { sessions: { id: string }[] } } & Record<string, unknown>
  >;
const MINUTE = 60_000;

describe("the emulator's users API", () => {
  it('answers a demo user in the shape of PingOne users', async () => {
    const user = await json(`/users/${ada.id}`);
    expect(user).toMatchObject({
      id: ada.id,
      environment: { id: emulator.environmentId },
      username: 'ada',
      email: 'ada@example.com',
      name: { given: 'Ada', family: 'Lovelace' },
      enabled: true,
    });
  });

  it('answers 404 NOT_FOUND for an unknown user', async () => {
    const res = await call('/users/5e5e5e5e-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
  });

  it('answers 401 without a valid worker token', async () => {
    const res = await fetch(`${env()}/users/${ada.id}`);
    expect(res.status).toBe(401);
  });
});

describe("the emulator's user-sessions API", () => {
  it("lists the user's sessions newest first under _embedded.sessions", async () => {
    const older = emulator.createSession({ user: 'ada' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = emulator.createSession({ user: 'ada' });
    emulator.createSession({ user: 'grace' });
    const body = await json(`/users/${ada.id}/sessions`);
    expect(body._embedded.sessions.map((s: { id: string }) => s.id)).toEqual([
      newer.session.id,
      older.session.id,
    ]);
  });

  it('lists expired sessions too, and not ended ones', async () => {
    let now = Date.now();
    await emulator.close();
    emulator = await startEmulator({ now: () => now });
    accessToken = emulator.issueAccessToken();
    const ended = emulator.createSession({ user: 'ada' });
    emulator.resetSession(ended.token);
    const expired = emulator.createSession({ user: 'ada', idleTimeoutInMinutes: 1 });
    now += 2 * MINUTE;
    expect(emulator.sessionState(expired.token)).toBe('expired');
    const ids = (await json(`/users/${ada.id}/sessions`))._embedded.sessions.map(
      (s: { id: string }) => s.id,
    );
    expect(ids).toEqual([expired.session.id]);
  });

  it('lists at most ten sessions', async () => {
    for (let i = 0; i < 11; i++) emulator.createSession({ user: 'ada' });
    expect((await json(`/users/${ada.id}/sessions`))._embedded.sessions).toHaveLength(10);
  });

  it('deletes one session (204), after which its token has no session', async () => {
    const { token, session } = emulator.createSession({ user: 'ada' });
    const res = await call(`/users/${ada.id}/sessions/${session.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(emulator.sessionState(token)).toBe('reset');
    const again = await call(`/users/${ada.id}/sessions/${session.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it("does not delete another user's session through this user", async () => {
    const { token, session } = emulator.createSession({ user: 'grace' });
    const res = await call(`/users/${ada.id}/sessions/${session.id}`, { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(emulator.sessionState(token)).toBe('active');
  });
});

describe("the emulator's reset of a session by ID", () => {
  const reset = (id: string, type = 'application/vnd.pingidentity.sso.session.logout') =>
    call(`/sessions/${id}`, { method: 'POST', headers: { 'Content-Type': type }, body: '' });

  it('ends the session (204) with the logout media type', async () => {
    const { token, session } = emulator.createSession();
    expect((await reset(session.id)).status).toBe(204);
    expect(emulator.sessionState(token)).toBe('reset');
  });

  it('answers 415 for another media type and leaves the session alone', async () => {
    const { token, session } = emulator.createSession();
    expect((await reset(session.id, 'application/json')).status).toBe(415);
    expect(emulator.sessionState(token)).toBe('active');
  });
});
