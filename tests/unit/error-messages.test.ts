import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { DoorlineError, ERROR_CODES, errorBody, type ErrorCode } from '../../src/shared/error-codes.ts';
import { ERROR_MESSAGES, messageOf } from '../../src/shared/error-messages.ts';

describe('the words for error codes', () => {
  it('has a sentence for every code, and none for a code that does not exist', () => {
    const codes = Object.keys(ERROR_CODES).sort();
    expect(Object.keys(ERROR_MESSAGES).sort()).toEqual(codes);
    for (const code of codes) expect(ERROR_MESSAGES[code as ErrorCode]).toMatch(/^[A-Z].*[.)]$/);
  });

  it("says an error's own words when it has them, else its code's", () => {
    expect(messageOf(new DoorlineError('bad-json'))).toBe('The request body is not valid JSON.');
    expect(messageOf(new DoorlineError('network-error', {}, 'Connect the kiosk and try again.'))).toBe('Connect the kiosk and try again.');
  });

  it('puts a message in an answer only when it is given one or the error has its own', () => {
    expect(errorBody(new DoorlineError('unknown-student', { studentId: '1' }))).toEqual({
      error: { code: 'unknown-student', details: { studentId: '1' } },
    });
    expect(errorBody(new DoorlineError('bad-json'), messageOf(new DoorlineError('bad-json'))).error.message).toBe(
      'The request body is not valid JSON.',
    );
    expect(errorBody(new DoorlineError('network-error', {}, 'Offline.')).error.message).toBe('Offline.');
  });

  // The kiosk's first install has a byte budget, and the words are half the catalog.
  it.each([
    ['the worker', 'sw/sw.ts', 'sw/tsconfig.json'],
    ['the kiosk page', 'src/ui/kiosk.ts', 'src/ui/tsconfig.json'],
  ])('leaves the words out of %s', async (_name, entry, tsconfig) => {
    const { metafile } = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      tsconfig,
      logLevel: 'silent',
    });
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain('src/shared/error-codes.ts');
    expect(inputs).not.toContain('src/shared/error-messages.ts');
  });
});
