import type { RetentionRuleStatus } from '@/lib/api/types';

import type { RuleFilters } from '../api/retention-keys';

const STATUSES: readonly RetentionRuleStatus[] = ['DRAFT', 'APPROVED', 'SUPERSEDED', 'DISCARDED'];

/** The schedule's filters live in the URL; no status means the approved schedule. */
export function ruleFiltersFromParams(params: URLSearchParams): RuleFilters {
  const docType = params.get('doc_type');
  const status = params.get('status');
  return {
    doc_type:
      docType !== null && /^\d+$/.test(docType) && Number(docType) > 0
        ? Number(docType)
        : undefined,
    status: status === 'ALL' ? undefined : (STATUSES.find((s) => s === status) ?? 'APPROVED'),
  };
}

export function paramsFromRuleFilters(filters: RuleFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.doc_type !== undefined) {
    params.set('doc_type', String(filters.doc_type));
  }
  if (filters.status === undefined) {
    params.set('status', 'ALL');
  } else if (filters.status !== 'APPROVED') {
    params.set('status', filters.status);
  }
  return params;
}
