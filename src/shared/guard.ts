/**
 * Small building blocks for `asserts` guards. Each throws a DoorlineError
 * with the given code and the JSON path of the first problem, so a refusal
 * says exactly what was wrong.
 */
import { DoorlineError, type ErrorCode } from './error-codes.ts';

export type Path = string;

export function fail(code: ErrorCode, path: Path, problem: string): never {
  throw new DoorlineError(code, { path, problem });
}

/**
 * Input we guard (a request, a row we wrote): a plain object that has every
 * key in `required` and no key outside `required` and `optional`.
 */
export function expectRecord(
  value: unknown,
  path: Path,
  required: readonly string[],
  optional: readonly string[] = [],
  code: ErrorCode = 'invalid-body',
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(code, path, 'must be an object');
  for (const key of required) if (!Object.hasOwn(value, key)) fail(code, `${path}.${key}`, 'is required');
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) fail(code, `${path}.${key}`, 'is not a known field');
  }
}

/**
 * What a newer peer sends us (a server's answer, the change feed, a worker's
 * message): a plain object that has every key in `required`. Keys we do not
 * know are a newer version's additions and are ignored, so adding an
 * optional field never breaks an older reader.
 */
export function expectFields(
  value: unknown,
  path: Path,
  required: readonly string[],
  code: ErrorCode = 'bad-response',
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(code, path, 'must be an object');
  for (const key of required) if (!Object.hasOwn(value, key)) fail(code, `${path}.${key}`, 'is required');
}

export function expectString(
  value: unknown,
  path: Path,
  opts: { min?: number; max: number; pattern?: RegExp },
  code: ErrorCode = 'invalid-body',
): asserts value is string {
  if (typeof value !== 'string') fail(code, path, 'must be a string');
  if (value.length < (opts.min ?? 1)) fail(code, path, opts.min === 0 ? 'must be a string' : 'must not be empty');
  if (value.length > opts.max) fail(code, path, `must be at most ${opts.max} characters`);
  if (opts.pattern && !opts.pattern.test(value)) fail(code, path, 'has an invalid format');
}

export function expectInteger(
  value: unknown,
  path: Path,
  opts: { min: number; max: number },
  code: ErrorCode = 'invalid-body',
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(code, path, 'must be an integer');
  if (value < opts.min || value > opts.max) fail(code, path, `must be between ${opts.min} and ${opts.max}`);
}

export function expectOneOf<T extends string | number>(
  value: unknown,
  path: Path,
  allowed: readonly T[],
  code: ErrorCode = 'invalid-body',
): asserts value is T {
  if (!allowed.includes(value as T)) fail(code, path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
}

export function expectArray(value: unknown, path: Path, code: ErrorCode = 'invalid-body'): asserts value is unknown[] {
  if (!Array.isArray(value)) fail(code, path, 'must be an array');
}
