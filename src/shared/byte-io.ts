/**
 * Bytes in and out for the compact wire formats: LEB128 varints, zigzag
 * varints, length-prefixed UTF-8 (the platform's TextEncoder and a fatal
 * TextDecoder, present in pages, workers and Node alike).
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

/**
 * The platform's UTF-8 codecs. src/shared compiles without DOM or Node types,
 * so this is the slice of them it uses; every realm Doorline runs in has both.
 */
interface TextCodecs {
  TextEncoder: new () => { encode(input: string): Uint8Array };
  TextDecoder: new (label: 'utf-8', options: { fatal: boolean; ignoreBOM: boolean }) => { decode(input: Uint8Array): string };
}
const platform = globalThis as unknown as TextCodecs;
const encoder = new platform.TextEncoder();
/**
 * Strict UTF-8 (RFC 3629): `fatal` refuses over-long forms, encoded
 * surrogates, code points beyond U+10FFFF and cut-off sequences instead of
 * replacing them, and `ignoreBOM` keeps a leading U+FEFF as text, so each
 * string has exactly one encoding.
 */
const decoder = new platform.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /\p{Surrogate}/u;

/** UTF-8 of a string; a lone surrogate has no UTF-8 form, so it is refused rather than replaced. */
export function encodeUtf8(value: string, path: Path): Uint8Array {
  if (LONE_SURROGATE.test(value)) fail('invalid-body', path, 'has a lone surrogate');
  return encoder.encode(value);
}

function decodeUtf8(bytes: Uint8Array, path: Path): string {
  try {
    return decoder.decode(bytes);
  } catch {
    return fail('invalid-body', path, 'is not valid UTF-8');
  }
}
