import { randomBytes } from 'node:crypto';

/** Worker access tokens the emulator has issued, with their expiry. */
export class AccessTokens {
  private readonly tokens = new Map<string, number>();
  /** Every token ever issued, revoked ones included. */
  readonly issued = new Set<string>();

  constructor(
    private readonly now: () => number,
    readonly lifetimeSeconds: number,
  ) {}

  issue(): string {
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.now() + this.lifetimeSeconds * 1000);
    this.issued.add(token);
    return token;
  }

  isValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    return expiresAt !== undefined && this.now() < expiresAt;
  }

  /** Invalidates every token issued so far, as a revoked worker secret would. */
  revokeAll(): void {
    this.tokens.clear();
  }
}
