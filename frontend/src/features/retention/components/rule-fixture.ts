import type { RetentionRule } from '@/lib/api/types';

/** A rule version as GET /retention-rules/{id}/ returns it (tests only). */
export function makeRule(overrides: Partial<RetentionRule> = {}): RetentionRule {
  return {
    id: 7,
    code: 'BMR-EXP+1Y',
    revision: 1,
    title: 'Batch records: one year after batch expiry',
    doc_type: 1,
    doc_type_code: 'BMR',
    unit: null,
    unit_code: null,
    department: null,
    department_code: null,
    trigger: 'EVENT',
    event: 1,
    event_code: 'BATCH_EXPIRY',
    period_years: 1,
    period_months: 0,
    action: 'REVIEW',
    citation: '21 CFR 211.180(a): at least 1 year after the expiration date of the batch.',
    status: 'APPROVED',
    drafted_by: null,
    drafted_by_name: null,
    drafted_at: '2026-11-23T03:00:00Z',
    approved_by: null,
    approved_by_name: null,
    approved_at: '2026-11-23T03:00:00Z',
    effective_from: '2026-11-23',
    superseded_at: null,
    version: 2,
    ...overrides,
  };
}

/** A version 2 drafted by a Document Manager (id 5) of the approved rule above. */
export function makeDraft(overrides: Partial<RetentionRule> = {}): RetentionRule {
  return makeRule({
    id: 8,
    revision: 2,
    period_years: 2,
    status: 'DRAFT',
    drafted_by: 5,
    drafted_by_name: 'Document Manager GOA1',
    drafted_at: '2026-12-01T09:00:00Z',
    approved_at: null,
    effective_from: null,
    version: 1,
    ...overrides,
  });
}

export function page<T>(results: T[]) {
  return { next: null, previous: null, results };
}

export const EVENTS = [
  { id: 1, code: 'BATCH_EXPIRY', name: 'Batch expiry', description: '', is_active: true },
  { id: 2, code: 'STUDY_CLOSED', name: 'Study closed', description: '', is_active: true },
];

export const DOCUMENT_TYPES = [
  { id: 1, code: 'BMR', name: 'Batch Record', default_retention_years: 10, is_active: true },
  { id: 3, code: 'LOG', name: 'Logbook', default_retention_years: 7, is_active: true },
];
