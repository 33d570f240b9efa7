import type { RetentionRuleStatus } from '@/lib/api/types';

/** What the retention schedule lists: by document type (id) and status (default: approved). */
export interface RuleFilters {
  doc_type?: number | undefined;
  status?: RetentionRuleStatus | undefined;
}

/**
 * retentionKeys.all → rules → list(filters) → versions(code) → details → detail(id); events
 * (the named events a rule can run from); eventDates (documents' recorded event dates).
 */
export const retentionKeys = {
  all: ['retention'] as const,
  rules: () => [...retentionKeys.all, 'rules'] as const,
  lists: () => [...retentionKeys.rules(), 'list'] as const,
  list: (filters: RuleFilters) => [...retentionKeys.lists(), filters] as const,
  /** Every version of a rule (its code). */
  versions: (code: string) => [...retentionKeys.rules(), 'versions', code] as const,
  details: () => [...retentionKeys.rules(), 'detail'] as const,
  detail: (id: number) => [...retentionKeys.details(), id] as const,
  events: () => [...retentionKeys.all, 'events'] as const,
  /** Documents' recorded event dates, newest first. */
  eventDates: () => [...retentionKeys.all, 'event-dates'] as const,
};
