/**
 * Three-way merge of one attendance record, field by field against the base
 * the change was made on. Run by the server (authoritative) and by the
 * office's dialog (to preview a resolution).
 *
 *   changed on one side only        → that side's value
 *   changed on both, to the same    → that value
 *   changed on both, differently    → the first rule of the registry that
 *                                     applies; below the threshold the server
 *                                     keeps its value and a conflict opens
 */
import { MERGE_FIELDS, type MergeField, type RecordState } from './attendance-model.ts';
import {
  ATTENDANCE_RULES,
  CONFIDENCE_THRESHOLD,
  type AttendanceRule,
  type FieldConflict,
  type Lateness,
  type RuleId,
  type RuleVerdict,
  type SideInfo,
} from './attendance-rules.ts';
import type { FieldChoice, ResolvableField } from './office-protocol.ts';

export interface MergeInput {
  base: RecordState;
  local: RecordState;
  server: RecordState;
  localSide: SideInfo;
  serverSide: SideInfo;
  lateness: Lateness;
}

export interface FieldDecision {
  field: MergeField;
  base: unknown;
  local: unknown;
  server: unknown;
  value: unknown;
  rule: RuleId;
  confidence: number;
  reason: string;
}

export interface MergeResult {
  outcome: 'applied' | 'merged' | 'conflict' | 'unchanged';
  /** What to store now: fields in open conflict keep the server's value. */
  value: RecordState;
  /** What the rules suggest for every field. */
  suggestion: RecordState;
  changed: MergeField[];
  decisions: FieldDecision[];
  conflictFields: MergeField[];
  rule: RuleId | null;
  confidence: number;
  reason: string;
}

function sameField(field: MergeField, a: RecordState, b: RecordState): boolean {
  if (field !== 'notes') return a[field] === b[field];
  const ids = new Set(a.notes.map((n) => n.id));
  return a.notes.length === b.notes.length && b.notes.every((n) => ids.has(n.id));
}

/** The registry's answer: the first rule for the field that returns a verdict (each rule asked once). */
function firstVerdict(rules: readonly AttendanceRule[], conflict: FieldConflict): { rule: RuleId; verdict: RuleVerdict } | null {
  for (const rule of rules) {
    if (!rule.fields.includes(conflict.field)) continue;
    const verdict = rule.decide(conflict);
    if (verdict !== null) return { rule: rule.id, verdict };
  }
  return null;
}

export function mergeRecord(input: MergeInput, rules: readonly AttendanceRule[] = ATTENDANCE_RULES): MergeResult {
  const { base, local, server } = input;
  const value: RecordState = { ...server, notes: [...server.notes] };
  const suggestion: RecordState = { ...server, notes: [...server.notes] };
  const decisions: FieldDecision[] = [];
  const conflictFields: MergeField[] = [];
  let localOnly = false;
  for (const field of MERGE_FIELDS) {
    if (sameField(field, local, server)) continue;
    if (sameField(field, local, base)) continue; // only the server changed it
    if (sameField(field, server, base)) {
      // only this side changed it
      Object.assign(value, { [field]: local[field] });
      Object.assign(suggestion, { [field]: local[field] });
      localOnly = true;
      continue;
    }
    const conflict: FieldConflict = {
      field,
      base: base[field],
      local: local[field],
      server: server[field],
      baseRecord: base,
      localRecord: local,
      serverRecord: server,
      localSide: input.localSide,
      serverSide: input.serverSide,
      lateness: input.lateness,
    };
    const { rule, verdict } = firstVerdict(rules, conflict) ?? {
      rule: 'same-base-different-status',
      verdict: { value: server[field], confidence: 0, reason: 'No rule applies; the office must decide.' },
    };
    decisions.push({
      field,
      base: base[field],
      local: local[field],
      server: server[field],
      value: verdict.value,
      rule,
      confidence: verdict.confidence,
      reason: verdict.reason,
    });
    Object.assign(suggestion, { [field]: verdict.value });
    if (verdict.confidence >= CONFIDENCE_THRESHOLD) Object.assign(value, { [field]: verdict.value });
    else conflictFields.push(field);
  }
  const changed = MERGE_FIELDS.filter((f) => !sameField(f, value, server));
  const weakest = decisions.reduce<FieldDecision | null>((low, d) => (low === null || d.confidence < low.confidence ? d : low), null);
  const deciding = conflictFields.length > 0 ? weakest : (decisions[0] ?? null);
  const outcome: MergeResult['outcome'] =
    conflictFields.length > 0 ? 'conflict' : decisions.length > 0 ? 'merged' : localOnly ? 'applied' : 'unchanged';
  return {
    outcome,
    value,
    suggestion,
    changed,
    decisions,
    conflictFields,
    rule: deciding?.rule ?? null,
    confidence: weakest?.confidence ?? 1,
    reason: deciding?.reason ?? '',
  };
}

/**
 * The record a resolution leaves: the server's, with each chosen field
 * replaced. The office's dialog previews with it and the server settles with
 * it, so what the person saw is what is stored.
 */
export function previewResolution(
  conflict: { local: RecordState; server: RecordState },
  choices: Partial<Record<ResolvableField, FieldChoice>>,
): RecordState {
  const ids = new Set(conflict.server.notes.map((n) => n.id));
  const result: RecordState = {
    ...conflict.server,
    notes: [...conflict.server.notes, ...conflict.local.notes.filter((n) => !ids.has(n.id))],
  };
  for (const [field, choice] of Object.entries(choices) as Array<[ResolvableField, FieldChoice]>) {
    if (choice.take === 'local') Object.assign(result, { [field]: conflict.local[field] });
    else if (choice.take === 'custom') Object.assign(result, { [field]: choice.value });
  }
  return result;
}
