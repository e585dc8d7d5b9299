/**
 * Bytes in and out for the compact wire formats: LEB128 varints, zigzag
 * varints, length-prefixed UTF-8. Written by hand because src/shared has no
 * DOM or Node types, so no TextEncoder, TextDecoder or Buffer.
 *
 * Every value is a safe integer (at most 2^53 - 1), so a varint never needs
 * more than 8 bytes. The reader refuses anything it could not have written:
 * a read past the end, an over-long or non-minimal varint, invalid UTF-8.
 */
import { fail, type Path } from './guard.ts';

const MAX_VARINT_BYTES = 8;
/** A zigzag varint's first byte carries the sign and 6 bits of magnitude, so the rest of a safe integer fits in 7 more bytes. */
const MAX_SIGNED_TAIL_BYTES = 7;

export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
  }

  bytes(value: Uint8Array): void {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  /** Unsigned LEB128. */
  varint(value: number, path: Path): void {
    if (!Number.isSafeInteger(value) || value < 0) fail('invalid-body', path, 'must be a non-negative safe integer');
    let rest = value;
    // Division, not `>>>`: bit operators truncate to 32 bits.
    while (rest >= 0x80) {
      this.byte((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.byte(rest);
  }

  /**
   * Zigzag (0, -1, 1, -2 … as 0, 1, 2, 3 …) so small deltas of either sign
   * stay short. Built from sign and magnitude rather than `2n` / `-2n - 1`,
   * which would lose precision beyond 2^53 for the largest safe integers.
   */
  signedVarint(value: number, path: Path): void {
    if (!Number.isSafeInteger(value)) fail('invalid-body', path, 'must be a safe integer');
    const negative = value < 0;
    const magnitude = negative ? -value - 1 : value;
    const low = (magnitude % 0x40) * 2 + (negative ? 1 : 0);
    const high = Math.floor(magnitude / 0x40);
    if (high === 0) {
      this.byte(low);
      return;
    }
    this.byte(low | 0x80);
    this.varint(high, path);
  }

  /** UTF-8 with its byte length as a varint in front. */
  string(value: string, path: Path): void {
    const encoded = encodeUtf8(value, path);
    this.varint(encoded.length, path);
    this.bytes(encoded);
  }

  /** The bytes written so far, as a copy sized to fit. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly source: Uint8Array) {}

  get remaining(): number {
    return this.source.length - this.offset;
  }

  byte(path: Path): number {
    const value = this.source[this.offset];
    if (value === undefined) fail('invalid-body', path, 'ends before this value');
    this.offset++;
    return value;
  }

  bytes(length: number, path: Path): Uint8Array {
    if (length > this.remaining) fail('invalid-body', path, 'ends before this value');
    const value = this.source.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  varint(path: Path): number {
    return this.unsigned(MAX_VARINT_BYTES, path);
  }

  signedVarint(path: Path): number {
    const first = this.byte(path);
    const negative = (first & 1) === 1;
    let magnitude = (first >> 1) & 0x3f;
    if (first & 0x80) {
      const high = this.unsigned(MAX_SIGNED_TAIL_BYTES, path);
      if (high === 0) fail('invalid-body', path, 'is a varint with a needless continuation byte');
      magnitude += high * 0x40;
    }
    const value = negative ? -magnitude - 1 : magnitude;
    if (!Number.isSafeInteger(value)) fail('invalid-body', path, 'is a varint beyond 2^53');
    return value;
  }

  /** A length-prefixed UTF-8 string of at most `maxBytes` bytes. */
  string(maxBytes: number, path: Path): string {
    const length = this.varint(path);
    if (length > maxBytes) fail('invalid-body', path, `is longer than ${maxBytes} bytes`);
    return decodeUtf8(this.bytes(length, path), path);
  }

  private unsigned(maxBytes: number, path: Path): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.byte(path);
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (b === 0 && i > 0) fail('invalid-body', path, 'is a varint with a needless continuation byte');
        if (!Number.isSafeInteger(value)) fail('invalid-body', path, 'is a varint beyond 2^53');
        return value;
      }
      scale *= 0x80;
    }
    return fail('invalid-body', path, `is a varint longer than ${maxBytes} bytes`);
  }
}

/** UTF-8 of a string; a lone surrogate has no UTF-8 form, so it is refused rather than replaced. */
export function encodeUtf8(value: string, path: Path): Uint8Array {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit < 0x80) length += 1;
    else if (unit < 0x800) length += 2;
    else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) fail('invalid-body', path, 'has a lone surrogate');
      length += 4;
      i++;
    } else length += 3;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (let i = 0; i < value.length; i++) {
    let point = value.charCodeAt(i);
    if (point >= 0xd800 && point <= 0xdbff) {
      point = 0x10000 + ((point - 0xd800) << 10) + (value.charCodeAt(i + 1) - 0xdc00);
      i++;
    }
    if (point < 0x80) out[at++] = point;
    else if (point < 0x800) {
      out[at++] = 0xc0 | (point >> 6);
      out[at++] = 0x80 | (point & 0x3f);
    } else if (point < 0x10000) {
      out[at++] = 0xe0 | (point >> 12);
      out[at++] = 0x80 | ((point >> 6) & 0x3f);
      out[at++] = 0x80 | (point & 0x3f);
    } else {
      out[at++] = 0xf0 | (point >> 18);
      out[at++] = 0x80 | ((point >> 12) & 0x3f);
      out[at++] = 0x80 | ((point >> 6) & 0x3f);
      out[at++] = 0x80 | (point & 0x3f);
    }
  }
  return out;
}

/** `String.fromCharCode` takes its units as arguments; slices keep it under engines' argument limits. */
const UNITS_PER_SLICE = 4096;

/**
 * Strict UTF-8 (RFC 3629): refuses over-long forms, encoded surrogates,
 * code points beyond U+10FFFF and cut-off sequences, so each string has
 * exactly one encoding.
 */
export function decodeUtf8(bytes: Uint8Array, path: Path): string {
  const units: number[] = [];
  const invalid = (): never => fail('invalid-body', path, 'is not valid UTF-8');
  const continuation = (i: number, min = 0x80, max = 0xbf): number => {
    const b = bytes[i];
    if (b === undefined || b < min || b > max) invalid();
    return (b as number) & 0x3f;
  };
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] as number;
    let point: number;
    if (b0 < 0x80) {
      point = b0;
      i += 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      point = ((b0 & 0x1f) << 6) | continuation(i + 1);
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      // E0 needs A0..BF (else over-long); ED needs 80..9F (else a surrogate).
      const b1 = continuation(i + 1, b0 === 0xe0 ? 0xa0 : 0x80, b0 === 0xed ? 0x9f : 0xbf);
      point = ((b0 & 0x0f) << 12) | (b1 << 6) | continuation(i + 2);
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      // F0 needs 90..BF (else over-long); F4 needs 80..8F (else beyond U+10FFFF).
      const b1 = continuation(i + 1, b0 === 0xf0 ? 0x90 : 0x80, b0 === 0xf4 ? 0x8f : 0xbf);
      point = ((b0 & 0x07) << 18) | (b1 << 12) | (continuation(i + 2) << 6) | continuation(i + 3);
      i += 4;
    } else return invalid();
    if (point < 0x10000) units.push(point);
    else units.push(0xd800 + ((point - 0x10000) >> 10), 0xdc00 + ((point - 0x10000) & 0x3ff));
  }
  let text = '';
  for (let s = 0; s < units.length; s += UNITS_PER_SLICE) text += String.fromCharCode(...units.slice(s, s + UNITS_PER_SLICE));
  return text;
}
