import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GATHER_MS, INFO_MS, NoticeBoard, type Notice } from '../../src/ui/notice-board.ts';
import { statusNews } from '../../src/ui/status-news.ts';

/** The board with real timers faked, and every notice list it showed. */
function board(): { notices: NoticeBoard; shown: string[][]; texts: () => string[] } {
  const shown: string[][] = [];
  const notices = new NoticeBoard({
    setTimer: (run, ms) => setTimeout(run, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    show: (list: readonly Notice[]) => shown.push(list.map((n) => n.text)),
  });
  return { notices, shown, texts: () => notices.current().map((n) => n.text) };
}

describe('the notices of a staff page', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('gathers sends a few seconds apart into one notice, which then goes by itself', () => {
    const { notices, shown, texts } = board();
    notices.sent(10);
    vi.advanceTimersByTime(1_000);
    notices.sent(30);
    vi.advanceTimersByTime(GATHER_MS - 1_000 - 1);
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(texts()).toEqual(['40 marks sent.']);
    // More while it shows: the same notice counts up and stays its full time again.
    vi.advanceTimersByTime(INFO_MS - 1_000);
    notices.sent(2);
    expect(texts()).toEqual(['42 marks sent.']);
    vi.advanceTimersByTime(INFO_MS - 1);
    expect(texts()).toEqual(['42 marks sent.']);
    vi.advanceTimersByTime(1);
    expect(texts()).toEqual([]);
    expect(shown).toEqual([['40 marks sent.'], ['42 marks sent.'], []]);
    // The next send starts from nothing.
    notices.sent(1);
    vi.advanceTimersByTime(GATHER_MS);
    expect(texts()).toEqual(['1 mark sent.']);
  });

  it('keeps offline while offline, and replaces it with a back-online notice that goes by itself', () => {
    const { notices, texts } = board();
    notices.online();
    expect(texts()).toEqual([]);
    notices.offline();
    vi.advanceTimersByTime(10 * INFO_MS);
    expect(texts()).toEqual(['Offline — marks are saved on this device and sent when the network is back.']);
    notices.online();
    expect(texts()).toEqual(['Back online.']);
    vi.advanceTimersByTime(INFO_MS);
    expect(texts()).toEqual([]);
  });

  it('keeps what needs a person until they act on it or dismiss it, counting new conflicts up', () => {
    const { notices } = board();
    notices.conflictsOpened(1);
    notices.conflictsOpened(2);
    notices.syncFailing('Online, but the server cannot be reached — marks are saved on this device.');
    vi.advanceTimersByTime(60 * INFO_MS);
    expect(notices.current().map((n) => [n.text, n.action?.label])).toEqual([
      ['3 new conflicts to settle.', 'Open conflicts'],
      ['Online, but the server cannot be reached — marks are saved on this device.', 'Retry now'],
    ]);
    notices.syncFailing('Your session has ended: sign in again to send the marks saved here.', false);
    expect(notices.current()[1]).toMatchObject({ sticky: true, action: null });
    notices.dismiss('conflicts');
    notices.conflictsOpened(1);
    expect(notices.current()[1]?.text).toBe('1 new conflict to settle.');
    notices.syncWorks();
    expect(notices.current().map((n) => n.kind)).toEqual(['conflicts']);
  });

  it('lets a dismissed informational notice go at once, and its timer does nothing later', () => {
    const { notices, shown } = board();
    notices.offline();
    notices.online();
    notices.dismiss('network');
    vi.advanceTimersByTime(INFO_MS);
    expect(shown.at(-1)).toEqual([]);
    expect(shown).toHaveLength(3);
  });
});

describe('what the worker’s status says changed', () => {
  const status = (over: Partial<Parameters<typeof statusNews>[1]>) => ({
    phase: 'idle' as const,
    waiting: 0,
    deadLetters: 0,
    lastError: null,
    lastSyncAt: 1,
    ...over,
  });

  it('counts marks the server took, not marks refused for good', () => {
    expect(statusNews(null, status({ waiting: 5 }), true, false).sent).toBe(0);
    expect(statusNews(status({ waiting: 42 }), status({ waiting: 0, lastSyncAt: 2 }), true, false).sent).toBe(42);
    expect(statusNews(status({ waiting: 10 }), status({ waiting: 0, deadLetters: 3, lastSyncAt: 2 }), true, false).sent).toBe(7);
    // No sync acknowledged: the queue shrank for another reason.
    expect(statusNews(status({ waiting: 10 }), status({ waiting: 4 }), true, false).sent).toBe(0);
  });

  it('says once that sending fails while online, not again through retries, and when it works again', () => {
    const unreachable = status({ phase: 'waiting-for-network', lastError: 'network-error', waiting: 3 });
    const first = statusNews(status({ waiting: 3 }), unreachable, true, false);
    expect(first).toMatchObject({
      failing: true,
      news: { now: 'failing', why: expect.stringMatching(/server cannot be reached/), canRetry: true },
    });
    expect(statusNews(unreachable, status({ phase: 'sending', waiting: 3 }), true, true)).toMatchObject({ failing: true, news: null });
    expect(statusNews(status({ phase: 'sending', waiting: 3 }), unreachable, true, true).news).toBeNull();
    expect(statusNews(unreachable, status({ waiting: 0, lastSyncAt: 2 }), true, true)).toEqual({
      sent: 3,
      failing: false,
      news: { now: 'works' },
    });
  });

  it('leaves a device that is simply offline to the offline notice', () => {
    const offline = status({ phase: 'waiting-for-network', lastError: 'network-error' });
    expect(statusNews(status({}), offline, false, false)).toEqual({ sent: 0, failing: false, news: null });
  });

  it('calls a server that holds the device back failing, with its reason and nothing to retry', () => {
    const held = status({ phase: 'held', lastError: 'session-expired' });
    expect(statusNews(status({}), held, true, false).news).toEqual({
      now: 'failing',
      why: 'Your session has ended: sign in again to send the marks saved here.',
      canRetry: false,
    });
  });
});
