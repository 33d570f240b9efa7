import type { RetentionRule } from '@/lib/api/types';

type RuleWords = Pick<
  RetentionRule,
  | 'doc_type_code'
  | 'unit_code'
  | 'department_code'
  | 'trigger'
  | 'event_code'
  | 'period_years'
  | 'period_months'
  | 'action'
>;

/** The action's words as the server names them (RetentionRule.Action). */
export const ACTION_LABELS: Record<RetentionRule['action'], string> = {
  DESTROY: 'Destroy',
  REVIEW: 'Review',
  PERMANENT: 'Keep permanently',
};

/** The trigger's words as the server names them (RetentionRule.Trigger). */
export const TRIGGER_LABELS: Record<RetentionRule['trigger'], string> = {
  PREPARED: 'From the preparation date',
  EVENT: 'From an event date',
  PERMANENT: 'Permanent',
};

/** "BMR · all units", "BMR · GOA1", "BMR · GOA1 / QA" (a department belongs to one unit). */
export function scopeText(
  rule: Pick<RuleWords, 'doc_type_code' | 'unit_code' | 'department_code'>,
) {
  if (rule.department_code !== null) {
    return `${rule.doc_type_code} · ${rule.unit_code ?? '?'} / ${rule.department_code}`;
  }
  return `${rule.doc_type_code} · ${rule.unit_code ?? 'all units'}`;
}

/** "1 year 6 months", "7 years", "none". */
export function periodText(years: number, months: number): string {
  const parts = [
    years > 0 ? `${String(years)} ${years === 1 ? 'year' : 'years'}` : '',
    months > 0 ? `${String(months)} ${months === 1 ? 'month' : 'months'}` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? 'none' : parts.join(' ');
}

export function isPermanent(rule: Pick<RuleWords, 'trigger' | 'action'>): boolean {
  return rule.trigger === 'PERMANENT' || rule.action === 'PERMANENT';
}

/** "From the event BATCH_EXPIRY", "From the preparation date", "Permanent". */
export function triggerText(rule: Pick<RuleWords, 'trigger' | 'event_code'>): string {
  if (rule.trigger === 'EVENT') {
    return `From the event ${rule.event_code ?? '?'}`;
  }
  return TRIGGER_LABELS[rule.trigger];
}

/** The rule in one line: "1 year from the event BATCH_EXPIRY, then review". */
export function ruleSummary(rule: RuleWords): string {
  if (isPermanent(rule)) {
    return 'Kept permanently';
  }
  const start =
    rule.trigger === 'EVENT'
      ? `from the event ${rule.event_code ?? '?'}`
      : 'from the preparation date';
  return `${periodText(rule.period_years, rule.period_months)} ${start}, then ${ACTION_LABELS[
    rule.action
  ].toLowerCase()}`;
}
