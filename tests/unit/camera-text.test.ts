import { describe, expect, it } from 'vitest';
import { cameraProblem } from '../../src/ui/kiosk-text.ts';

describe('cameraProblem', () => {
  it.each([
    ['NotAllowedError', /^This kiosk is not allowed to use its camera\. Allow the camera for this page/],
    ['SecurityError', /^This kiosk is not allowed to use its camera/],
    ['NotFoundError', /^No camera was found on this kiosk\./],
    ['OverconstrainedError', /^No camera was found on this kiosk\./],
    ['NotReadableError', /^The camera is in use by another program or not working\./],
    ['reader-unavailable', /^The card reader could not be loaded on this kiosk\./],
    ['AbortError', /^The camera could not be started\./],
  ])('explains %s in plain words and points to the ID field', (name, text) => {
    const message = cameraProblem(name);
    expect(message).toMatch(text);
    expect(message).toMatch(/Scan or type the ID below instead\.$/);
  });
});
