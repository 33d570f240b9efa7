import type { RetentionRule } from '@/lib/api/types';

import type { RuleCreateBody, RuleEditBody } from '../api/change-rule';

/** The editor's values: selects hold ids as strings ('' = none chosen). */
export interface RuleFormValues {
  code: string;
  title: string;
  docType: string;
  unit: string;
  department: string;
  trigger: string;
  event: string;
  periodYears: number | string;
  periodMonths: number | string;
  action: string;
  citation: string;
}

export const EMPTY_RULE: RuleFormValues = {
  code: '',
  title: '',
  docType: '',
  unit: '',
  department: '',
  trigger: 'PREPARED',
  event: '',
  periodYears: 0,
  periodMonths: 0,
  action: 'DESTROY',
  citation: '',
};

/** The server's field names → the form's. */
export const FORM_FIELD_OF: Record<string, keyof RuleFormValues> = {
  code: 'code',
  title: 'title',
  doc_type: 'docType',
  unit: 'unit',
  department: 'department',
  trigger: 'trigger',
  event: 'event',
  period_years: 'periodYears',
  period_months: 'periodMonths',
  action: 'action',
  citation: 'citation',
};

const CODE = /^[A-Z0-9_+.-]{1,30}$/;

function id(value: string): number | null {
  return value === '' ? null : Number(value);
}

function whole(value: number | string): number {
  const number = Number(value);
  return Number.isInteger(number) ? number : Number.NaN;
}

export function valuesOf(rule: RetentionRule): RuleFormValues {
  return {
    code: rule.code,
    title: rule.title,
    docType: String(rule.doc_type),
    unit: rule.unit === null ? '' : String(rule.unit),
    department: rule.department === null ? '' : String(rule.department),
    trigger: rule.trigger,
    event: rule.event === null ? '' : String(rule.event),
    periodYears: rule.period_years,
    periodMonths: rule.period_months,
    action: rule.action,
    citation: rule.citation,
  };
}

export function permanentValues(values: Pick<RuleFormValues, 'trigger' | 'action'>): boolean {
  return values.trigger === 'PERMANENT' || values.action === 'PERMANENT';
}

/**
 * The obvious requirements only (the server checks everything and says so on the field): a
 * code of capitals, digits and _ + . -; a title; a type; the event of an event rule; a period
 * unless the rule is permanent; months 0–11; a citation.
 */
export function validateRule(
  values: RuleFormValues,
  creating: boolean,
): Partial<Record<keyof RuleFormValues, string>> {
  const errors: Partial<Record<keyof RuleFormValues, string>> = {};
  if (creating && !CODE.test(values.code.trim().toUpperCase())) {
    errors.code = 'Capitals, digits and _ + . - (at most 30), e.g. BMR-EXP+1Y';
  }
  if (values.title.trim() === '') {
    errors.title = 'Give the rule a title';
  }
  if (values.docType === '') {
    errors.docType = 'Choose the document type the rule governs';
  }
  if (values.trigger === 'EVENT' && values.event === '') {
    errors.event = 'Choose the event the period runs from';
  }
  const years = whole(values.periodYears);
  const months = whole(values.periodMonths);
  if (!(years >= 0 && years <= 200)) {
    errors.periodYears = 'Whole years, 0 to 200';
  }
  if (!(months >= 0 && months <= 11)) {
    errors.periodMonths = 'Whole months, 0 to 11';
  }
  if (
    !permanentValues(values) &&
    errors.periodYears === undefined &&
    errors.periodMonths === undefined &&
    years === 0 &&
    months === 0
  ) {
    errors.periodYears = 'A period is required unless the rule is permanent';
  }
  if (values.citation.trim() === '') {
    errors.citation = 'Cite the law or guideline the period comes from';
  }
  return errors;
}

function contentOf(values: RuleFormValues) {
  const permanent = values.trigger === 'PERMANENT';
  return {
    title: values.title.trim(),
    trigger: values.trigger as RetentionRule['trigger'],
    event: values.trigger === 'EVENT' ? id(values.event) : null,
    period_years: permanent ? 0 : whole(values.periodYears),
    period_months: permanent ? 0 : whole(values.periodMonths),
    action: values.action as RetentionRule['action'],
    citation: values.citation.trim(),
  };
}

/** POST body of a new rule. */
export function createBodyOf(values: RuleFormValues): RuleCreateBody {
  const docType = id(values.docType);
  return {
    code: values.code.trim().toUpperCase(),
    ...(docType === null ? {} : { doc_type: docType }),
    unit: id(values.unit),
    department: id(values.department),
    ...contentOf(values),
  };
}

/** PATCH body: the version read and the content (the scope of a rule never changes). */
export function editBodyOf(rule: RetentionRule, values: RuleFormValues): RuleEditBody {
  return { version: rule.version, ...contentOf(values) };
}
