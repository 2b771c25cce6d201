import { randomInt } from 'node:crypto';
import type { Accounts } from './accounts';
import type { DemoDevice } from './demo-users';
import { ST_MAX_AGE_SECONDS, type Flow } from './flow-model';
import { pingOneErrors, type EmulatorAnswer } from './pingone-errors';
import type { SessionStore } from './session-store';

/** A step taken (the flow moved on; `ST` set when the user was just identified), or refused. */
export type StepResult =
  | { ok: true; setCookie?: string }
  | {
      ok: false;
      refused: EmulatorAnswer;
      /** Answer `200` with the flow as it stands and this `error` in it, rather than `refused`. */
      inFlow?: object;
    };

const refused = (answer: EmulatorAnswer): StepResult => ({ ok: false, refused: answer });

export interface SignOnStepsContext {
  environmentId: string;
  /**
   * How a wrong password and a lockout are answered: `'documented'` as Ping's samples read them
   * (`400 INVALID_DATA` with `INVALID_CREDENTIALS`, or `PASSWORD_LOCKED_OUT` and
   * `secondsUntilUnlock`); `'alternative'` as another Ping demo does (`INVALID_VALUE`, and a
   * lockout as an `error` in a `200` flow body).
   */
  refusals: 'documented' | 'alternative';
  accounts: Accounts;
  sessions: SessionStore;
  now: () => number;
  /** Where one-time passwords are "sent": the emulator's console. */
  log: (line: string) => void;
}

/**
 * What each step of a sign-on does to a flow, whichever way the person takes it (the flow API,
 * or a sign-on page): check a password, change an expired one, pick a device, check a code.
 */
export class SignOnSteps {
  private readonly lastOtps = new Map<string, string>();

  constructor(
    private readonly ctx: SignOnStepsContext,
    /** Every secret issued, for the redaction check. */
    private readonly issued: string[],
  ) {}

  clear(): void {
    this.lastOtps.clear();
  }

  /** The last one-time password sent to this user, for tests. */
  lastOtp(username: string): string | undefined {
    return this.lastOtps.get(username);
  }

  checkPassword(flow: Flow, body: Record<string, unknown>): StepResult {
    const { username, password } = body;
    if (typeof username !== 'string' || typeof password !== 'string') {
      return refused(
        pingOneErrors.invalidData(
          'password',
          'REQUIRED_VALUE',
          'username and password are required.',
        ),
      );
    }
    const check = this.ctx.accounts.checkPassword(username, password);
    if (!check.ok) return this.passwordRefused(check.secondsUntilUnlock);
    flow.user = check.user;
    flow.authenticators = ['pwd'];
    if (flow.existingToken !== undefined) {
      const existing = this.ctx.sessions.find(flow.existingToken);
      // The same user signing on again keeps the session (and its ST); anyone else ends it.
      if (existing?.user.id === check.user.id) return this.advance(flow, check.passwordExpired);
      this.ctx.sessions.reset(flow.existingToken);
      flow.existingToken = undefined;
    }
    // The identifying call: PingOne sets ST here, with exactly these attributes (FLOWS.md §2.5).
    const { token } = this.ctx.sessions.create({
      user: check.user.id,
      userAgent: flow.userAgent,
      remoteIp: flow.remoteIp,
      pending: true,
    });
    flow.sessionToken = token;
    const expires = new Date(this.ctx.now() + ST_MAX_AGE_SECONDS * 1000).toUTCString();
    return {
      ...this.advance(flow, check.passwordExpired),
      setCookie:
        `ST=${token}; Path=/${this.ctx.environmentId}; Max-Age=${ST_MAX_AGE_SECONDS}; ` +
        `Expires=${expires}; Secure; HttpOnly; SameSite=None`,
    };
  }

  private passwordRefused(secondsUntilUnlock: number | undefined): StepResult {
    const alternative = this.ctx.refusals === 'alternative';
    if (secondsUntilUnlock === undefined) {
      const code = alternative ? 'INVALID_VALUE' : 'INVALID_CREDENTIALS';
      return refused(pingOneErrors.invalidData('password', code, 'Invalid username or password.'));
    }
    const lockout = pingOneErrors.invalidData(
      'password',
      'PASSWORD_LOCKED_OUT',
      'Too many failed attempts: the account is locked.',
      { secondsUntilUnlock },
    );
    if (!alternative) return refused(lockout);
    const body = lockout.body;
    return { ok: false, refused: lockout, inFlow: { ...body, code: 'PASSWORD_LOCKED_OUT' } };
  }

  resetPassword(flow: Flow, body: Record<string, unknown>): StepResult {
    const { currentPassword, newPassword } = body;
    if (typeof currentPassword !== 'string' || typeof newPassword !== 'string') {
      return refused(
        pingOneErrors.invalidData(
          'newPassword',
          'REQUIRED_VALUE',
          'currentPassword and newPassword are required.',
        ),
      );
    }
    const rejection = this.ctx.accounts.changePassword(
      flow.user!.username,
      currentPassword,
      newPassword,
    );
    if (rejection !== undefined) {
      return refused(pingOneErrors.invalidData('newPassword', 'INVALID_VALUE', rejection));
    }
    return this.advance(flow, false);
  }

  selectDevice(flow: Flow, body: Record<string, unknown>): StepResult {
    const id = (body.device as { id?: unknown } | undefined)?.id;
    const device = flow.user!.devices.find((each) => each.id === id);
    if (device === undefined) {
      return refused(pingOneErrors.invalidData('device.id', 'INVALID_VALUE', 'No such device.'));
    }
    this.sendOtp(flow, device);
    return { ok: true };
  }

  checkOtp(flow: Flow, body: Record<string, unknown>): StepResult {
    if (typeof body.otp !== 'string' || body.otp !== flow.otp) {
      return refused(
        pingOneErrors.invalidData('otp', 'INVALID_OTP', 'The one-time password is wrong.'),
      );
    }
    // PingOne's policies record a one-time code as `mfa`, whatever its kind (REAL-TENANT.md M1).
    flow.authenticators = [...flow.authenticators, 'mfa'];
    return this.complete(flow);
  }

  /** After the password (or a new one): an expired password, then MFA, then done. */
  private advance(flow: Flow, passwordExpired: boolean): { ok: true } {
    const devices = flow.user!.devices;
    if (passwordExpired) flow.status = 'PASSWORD_EXPIRED';
    else if (devices.length > 1) flow.status = 'DEVICE_SELECTION_REQUIRED';
    else if (devices.length === 1) this.sendOtp(flow, devices[0]!);
    else return this.complete(flow);
    return { ok: true };
  }

  private complete(flow: Flow): { ok: true } {
    flow.status = 'COMPLETED';
    if (flow.existingToken === flow.sessionToken) {
      this.ctx.sessions.signOnAgain(flow.sessionToken!, flow.authenticators, flow.remoteIp);
    } else {
      this.ctx.sessions.complete(flow.sessionToken!, flow.authenticators);
    }
    return { ok: true };
  }

  private sendOtp(flow: Flow, device: DemoDevice): void {
    const otp = String(randomInt(0, 100_000_000)).padStart(8, '0');
    flow.otp = otp;
    flow.status = 'OTP_REQUIRED';
    this.issued.push(otp);
    this.lastOtps.set(flow.user!.username, otp);
    this.ctx.log(`One-time password for ${flow.user!.username} (${device.type}): ${otp}`);
  }
}
