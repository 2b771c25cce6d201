import { DEMO_USERS, type DemoUser } from './demo-users';

export interface AccountPolicy {
  /** The password every demo user starts with. */
  password: string;
  /** Wrong passwords in a row that lock an account. */
  lockoutFailures: number;
  /** How long a lock lasts, in seconds. */
  lockoutSeconds: number;
}

interface Account {
  user: DemoUser;
  password: string;
  passwordExpired: boolean;
  failures: number;
  lockedUntil: number;
}

export type PasswordCheck =
  | { ok: true; user: DemoUser; passwordExpired: boolean }
  | { ok: false; secondsUntilUnlock?: number };

/**
 * The demo users' accounts as one emulator holds them: passwords (changed by a password reset),
 * wrong-password counts and locks. An unknown username fails exactly as a wrong password does.
 */
export class Accounts {
  private readonly accounts = new Map<string, Account>();

  constructor(
    private readonly policy: AccountPolicy,
    private readonly now: () => number,
  ) {
    this.clear();
  }

  /** Back to the demo users as they start: first password, no failures, no locks. */
  clear(): void {
    for (const user of DEMO_USERS) {
      this.accounts.set(user.username, {
        user,
        password: this.policy.password,
        passwordExpired: user.passwordExpired,
        failures: 0,
        lockedUntil: 0,
      });
    }
  }

  checkPassword(username: string, password: string): PasswordCheck {
    const account = this.accounts.get(username);
    if (account === undefined) return { ok: false };
    const locked = this.secondsUntilUnlock(account);
    if (locked > 0) return { ok: false, secondsUntilUnlock: locked };
    if (password !== account.password) {
      account.failures += 1;
      if (account.failures < this.policy.lockoutFailures) return { ok: false };
      account.failures = 0;
      account.lockedUntil = this.now() + this.policy.lockoutSeconds * 1000;
      return { ok: false, secondsUntilUnlock: this.policy.lockoutSeconds };
    }
    account.failures = 0;
    return { ok: true, user: account.user, passwordExpired: account.passwordExpired };
  }

  /** Sets a new password; the reason it is refused, if it is. */
  changePassword(username: string, current: string, next: string): string | undefined {
    const account = this.accounts.get(username);
    if (account === undefined || current !== account.password) {
      return 'The current password is wrong.';
    }
    if (next.length < 8 || next === current) {
      return 'The new password must have at least 8 characters and differ from the current one.';
    }
    account.password = next;
    account.passwordExpired = false;
    return undefined;
  }

  private secondsUntilUnlock(account: Account): number {
    return Math.max(0, Math.ceil((account.lockedUntil - this.now()) / 1000));
  }
}
