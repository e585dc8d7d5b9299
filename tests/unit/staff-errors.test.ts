import { describe, expect, it } from 'vitest';
import { refusalText, waitText } from '../../src/ui/staff-errors.ts';

describe('refusals in words', () => {
  it.each([
    [30, 'in 30 seconds'],
    [60, 'in a minute'],
    [61, 'in 2 minutes'],
    [900, 'in 15 minutes'],
    [0, 'in a few minutes'],
    [Number.NaN, 'in a few minutes'],
  ])('says how long to wait: %s s', (seconds, words) => {
    expect(waitText(seconds)).toBe(words);
  });

  it('says how long to wait after too many failed sign-ins', () => {
    expect(refusalText({ code: 'too-many-attempts', message: '', details: { retryAfterSeconds: 840 } })).toBe(
      'Too many failed attempts. Try again in 14 minutes.',
    );
  });

  it('words the codes a person can act on, whatever the server’s message', () => {
    expect(refusalText({ code: 'network-error', message: 'x' })).toBe('The server cannot be reached. Check the network and try again.');
    expect(refusalText({ code: 'sign-in-failed', message: 'x' })).toBe('That sign-in name and password do not match.');
    expect(refusalText({ code: 'conflict-already-resolved', message: 'x' })).toMatch(/^Someone else settled this meanwhile/);
    expect(refusalText({ code: 'session-expired', message: 'x' })).toBe('Your session has ended. Sign in again to go on.');
  });

  it('falls back to the server’s sentence, then to the code', () => {
    expect(refusalText({ code: 'invalid-query', message: 'The query string does not match.' })).toBe('The query string does not match.');
    expect(refusalText({ code: 'invalid-query', message: '' })).toBe('Something went wrong (invalid-query).');
  });
});
