import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  type BinaryLike,
} from 'node:crypto';
import { createHmacSha256 } from './hmac-sha256';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Names and seals values of one kind for a store that must learn nothing from them. */
export interface Sealer {
  /** The store key of a name: a keyed hash, so the store never sees the name. */
  keyOf(name: string): string;
  /** The value, encrypted and authenticated, bound to its key. */
  seal(key: string, value: unknown): string;
  /** The value sealed under this key, or `undefined` for anything else (tampered, moved, foreign). */
  open(key: string, sealed: unknown): unknown;
}

/**
 * AES-256-GCM under a key derived (HKDF) from `secret` for `purpose`; the store key is the
 * cipher's additional data, so a value cannot be moved to another key. Without a secret (a
 * single process), a random one.
 */
export function createSealer(secret: string | undefined, purpose: string): Sealer {
  const master: BinaryLike = secret ?? randomBytes(32);
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', master, '', info, 32));
  const sealKey = derive(`express-pingone-session ${purpose} seal`);
  const names = createHmacSha256(derive(`express-pingone-session ${purpose} name`));
  return {
    keyOf: (name) => names.base64url(name),
    seal(key, value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', sealKey, iv).setAAD(Buffer.from(key));
      const text = Buffer.concat([cipher.update(JSON.stringify(value)), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), text]).toString('base64url');
    },
    open(key, sealed) {
      if (typeof sealed !== 'string') return undefined;
      const bytes = Buffer.from(sealed, 'base64url');
      if (bytes.length <= IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealKey, bytes.subarray(0, IV_BYTES))
          .setAAD(Buffer.from(key))
          .setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        const text = Buffer.concat([
          decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]);
        return JSON.parse(text.toString('utf8')) as unknown;
      } catch {
        // Tampered with, or sealed under another secret: nothing.
        return undefined;
      }
    },
  };
}
