/**
 * A form sent before its page's script has run (a slow link, a person
 * quick with Enter) is sent by the browser itself, as a GET with each named
 * field in the address: a password or a pairing code would then sit in the
 * browser's history and in a proxy's access log. Fields that hold a secret
 * have no name, so such a send carries nothing and only reloads the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const pages = fileURLToPath(new URL('../../public/', import.meta.url));

/** Every `<input …>` of a page, attributes as written. */
function inputs(html: string): Array<Record<string, string>> {
  return [...html.matchAll(/<input\b([^>]*)>/g)].map((m) =>
    Object.fromEntries([...(m[1] ?? '').matchAll(/([a-z-]+)(?:="([^"]*)")?/g)].map((a) => [a[1] ?? '', a[2] ?? ''])),
  );
}

/** Secrets by what they are: passwords, the sign-in name beside them, and a kiosk's pairing code. */
const isSecret = (input: Record<string, string>): boolean =>
  input.type === 'password' || ['email', 'pairing-code'].includes(input.id ?? '') || /password/.test(input.autocomplete ?? '');

describe('fields that hold a secret', () => {
  const files = fs.readdirSync(pages).filter((f) => f.endsWith('.html'));

  it('are found on the sign-in page and the kiosk', () => {
    const found = files.flatMap((f) =>
      inputs(fs.readFileSync(path.join(pages, f), 'utf8'))
        .filter(isSecret)
        .map((i) => `${f}#${i.id}`),
    );
    expect(found).toEqual(expect.arrayContaining(['sign-in.html#email', 'sign-in.html#password', 'kiosk.html#pairing-code']));
  });

  it.each(files)('have no name on %s, so a form sent before its script runs puts none in the address', (file) => {
    const named = inputs(fs.readFileSync(path.join(pages, file), 'utf8')).filter((i) => isSecret(i) && 'name' in i);
    expect(named.map((i) => i.id)).toEqual([]);
  });
});
