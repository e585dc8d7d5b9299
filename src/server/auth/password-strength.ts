/**
 * Whether a new password is too easy to guess: shorter than the minimum, or
 * one that zxcvbn (with its common-password and diceware lists) scores below
 * 3, "safely unguessable" against an attacker with the hash. Ten `a`s or ten
 * spaces are long enough and still a first guess. The person's own name and
 * sign-in are counted as known to the attacker.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { MIN_PASSWORD_LENGTH } from './password.ts';

const MIN_SCORE = 3;

let estimator: ZxcvbnFactory | null = null;

export function isWeakPassword(password: string, knownToOthers: readonly string[] = []): boolean {
  if (password.length < MIN_PASSWORD_LENGTH) return true;
  // The lists are large: read once, on the first password change.
  estimator ??= new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  return estimator.check(password, [...knownToOthers]).score < MIN_SCORE;
}
