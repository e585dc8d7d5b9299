import { describe, expect, it } from 'vitest';
import { EMPTY_RECORD } from '../../src/shared/attendance-model.ts';
import type { ConflictView, HistoryEntry } from '../../src/shared/office-protocol.ts';
import { fieldsText, fieldValueText, historyLine, recordText, ruleText, suggestionText, whenText } from '../../src/ui/office-text.ts';

const LONDON = 'Europe/London';
const AT = Date.UTC(2026, 10, 24, 8, 14);

describe('what the office page says about a conflict', () => {
  it.each([
    [['status'], 'Status differs'],
    [['status', 'checkInAt'], 'Status and check-in time differ'],
    [['status', 'checkInAt', 'checkOutAt'], 'Status, check-in time and check-out time differ'],
    [[], 'Nothing differs'],
  ] as const)('names the fields that differ: %j', (fields, words) => {
    expect(fieldsText(fields)).toBe(words);
  });

  it('shows each field’s value as a person reads it', () => {
    expect(fieldValueText('status', 'excused', LONDON)).toBe('Excused');
    expect(fieldValueText('checkInAt', AT, LONDON)).toBe('08:14');
    expect(fieldValueText('checkOutAt', null, LONDON)).toBe('—');
  });

  it('describes a whole record briefly', () => {
    expect(recordText({ ...EMPTY_RECORD, status: 'late' }, LONDON)).toBe('Late');
    expect(recordText({ ...EMPTY_RECORD, status: 'present', checkInAt: AT, checkOutAt: AT + 7 * 3_600_000 }, LONDON)).toBe(
      'Present, in 08:14, out 15:14',
    );
    expect(recordText(EMPTY_RECORD, LONDON)).toBe('No mark');
  });

  it('says when, in words', () => {
    expect(whenText({ session: 'day', date: '2026-11-24' })).toBe('Whole day, Tue 24 Nov');
    expect(whenText({ session: 'P2', date: '2026-11-24' })).toBe('Period 2, Tue 24 Nov');
  });

  it('gives the rule’s suggestion with its confidence, or says no rule decides', () => {
    const suggested = { confidence: 0.95, suggestion: { ...EMPTY_RECORD, status: 'present' } } as ConflictView;
    expect(suggestionText(suggested, LONDON)).toBe('Suggested: Present — very confident.');
    expect(suggestionText({ ...suggested, confidence: 0.5 }, LONDON)).toBe('Suggested: Present — unsure.');
    expect(suggestionText({ ...suggested, confidence: 0 }, LONDON)).toBe('No suggestion — no rule decides: your call.');
  });

  it('names a rule by what it says, from the registry the merge uses', () => {
    expect(ruleText('door-evidence')).toBe('A door scan beats an absent marked without knowledge of it.');
    expect(ruleText('some-future-rule')).toBe('some-future-rule');
  });

  it('tells a record’s history: who, when, rule or person, and the note', () => {
    const entry: HistoryEntry = {
      at: AT,
      version: 2,
      action: 'merge',
      actor: { kind: 'door', name: 'Main entrance' },
      deviceId: 'd1',
      opId: null,
      rule: 'door-evidence',
      note: null,
      before: { ...EMPTY_RECORD, status: 'absent' },
      after: { ...EMPTY_RECORD, status: 'present', checkInAt: AT },
    };
    expect(historyLine(entry, LONDON)).toBe(
      "08:14 — door scan (Main entrance)'s change was combined by a rule: Present, in 08:14. Rule: A door scan beats an absent marked without knowledge of it.",
    );
    expect(
      historyLine(
        { ...entry, action: 'resolve', actor: { kind: 'office', name: 'Katherine Johnson' }, rule: null, note: 'Bus was late.' },
        LONDON,
      ),
    ).toBe('08:14 — Katherine Johnson (office) settled it: Present, in 08:14. Note: “Bus was late.”');
    expect(historyLine({ ...entry, action: 'conflict', actor: { kind: 'teacher', name: 'Grace Hopper' }, rule: null }, LONDON)).toBe(
      '08:14 — Grace Hopper (teacher) disagreed, so a conflict opened; the record stays Present, in 08:14.',
    );
  });
});
