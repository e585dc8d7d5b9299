import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** A stand-in for the browser's EventSource: it records the streams the page opens, and the test fails them. */
class FakeEventSource {
  static opened: FakeEventSource[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this);
  }
  close(): void {
    this.closed = true;
  }
}

/** Listeners the module adds to `document` and `window`, by event name. */
function eventTarget() {
  const listeners = new Map<string, Array<() => void>>();
  return {
    addEventListener: (name: string, listener: () => void) => listeners.set(name, [...(listeners.get(name) ?? []), listener]),
    fire: (name: string) => {
      for (const listener of listeners.get(name) ?? []) listener();
    },
  };
}

let win: ReturnType<typeof eventTarget>;

beforeEach(() => {
  vi.useFakeTimers();
  vi.resetModules();
  FakeEventSource.opened = [];
  win = eventTarget();
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('document', { ...eventTarget(), visibilityState: 'visible' });
  vi.stubGlobal('window', win);
  vi.stubGlobal('navigator', { onLine: true });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("the page's live stream", () => {
  it('opens again after a growing wait when it fails', async () => {
    const { onLiveEvents } = await import('../../src/ui/live-events.ts');
    onLiveEvents(['records-changed'], () => undefined);
    expect(FakeEventSource.opened).toHaveLength(1);

    FakeEventSource.opened[0]?.onerror?.();
    expect(FakeEventSource.opened[0]?.closed).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeEventSource.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeEventSource.opened).toHaveLength(2);

    FakeEventSource.opened[1]?.onerror?.();
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeEventSource.opened).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeEventSource.opened).toHaveLength(3);
  });

  it('opens at once when the browser is back online, not after the wait grown while the link was down', async () => {
    const { onLiveEvents } = await import('../../src/ui/live-events.ts');
    onLiveEvents(['records-changed'], () => undefined);
    // Offline for a while: each try fails, and the wait doubles to 16 s.
    for (const wait of [1000, 2000, 4000, 8000]) {
      FakeEventSource.opened.at(-1)?.onerror?.();
      await vi.advanceTimersByTimeAsync(wait);
    }
    FakeEventSource.opened.at(-1)?.onerror?.();
    const before = FakeEventSource.opened.length;

    win.fire('online');
    expect(FakeEventSource.opened).toHaveLength(before + 1);
    // The timer of the grown wait does not open a second stream beside it.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeEventSource.opened).toHaveLength(before + 1);
    expect(FakeEventSource.opened.filter((source) => !source.closed)).toHaveLength(1);
  });

  it('leaves an open stream alone when the browser says it is online', async () => {
    const { onLiveEvents } = await import('../../src/ui/live-events.ts');
    onLiveEvents(['records-changed'], () => undefined);
    win.fire('online');
    expect(FakeEventSource.opened).toHaveLength(1);
    expect(FakeEventSource.opened[0]?.closed).toBe(false);
  });
});
