/**
 * Bearer secrets: session cookies, device tokens and pairing codes. Only
 * their SHA-256 is stored, so a copy of the database opens no session and
 * pairs no kiosk.
 */
import { createHash, randomBytes } from 'node:crypto';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** 32 random bytes, base64url, behind a prefix that says what the secret is. */
export function newSecret(prefix: 'dls' | 'dld'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Crockford's base32 without I, L, O, U: nothing a person can misread on a screen. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Eight characters (40 bits), shown as "ABCD-2345". */
export function newPairingCode(): string {
  const chars = [...randomBytes(8)].map((b) => CODE_ALPHABET[b % 32]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** What a person types, made comparable: upper case, no spaces or dash, O→0, I/L→1. */
export function normalizePairingCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}
