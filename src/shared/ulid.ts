/**
 * ULIDs (https://github.com/ulid/spec): 48 bits of milliseconds and 80 random
 * bits in Crockford base32, so op ids sort by creation time. The caller gives
 * the randomness, which keeps this file free of any realm's globals.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function ulid(now: number, fillRandom: (bytes: Uint8Array) => void): string {
  let time = '';
  let ms = Math.floor(now);
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[ms % 32] + time;
    ms = Math.floor(ms / 32);
  }
  const bytes = new Uint8Array(16);
  fillRandom(bytes);
  let random = '';
  for (let i = 0; i < 16; i++) random += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + random;
}

/** The creation time encoded in a ULID. */
export function ulidTime(id: string): number {
  let ms = 0;
  for (let i = 0; i < 10; i++) ms = ms * 32 + ALPHABET.indexOf(id[i] ?? '0');
  return ms;
}
