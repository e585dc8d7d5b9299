import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHECK_OUT_REASONS } from '../../src/shared/reasons.ts';

const page = fs.readFileSync(new URL('../../public/kiosk.html', import.meta.url), 'utf8');

describe('the kiosk page', () => {
  it('offers every check-out reason the server takes, in its order, each with words', () => {
    const group = /<div id="reasons"[^>]*>([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '';
    const buttons = [...group.matchAll(/<button type="button" value="([^"]*)">([^<]*)<\/button>/g)];
    expect(buttons.map((b) => b[1])).toEqual(CHECK_OUT_REASONS);
    for (const b of buttons) expect(b[2]?.trim()).not.toBe('');
  });
});
