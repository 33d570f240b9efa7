export interface AuditFilters {
  actor?: string | undefined;
  action?: string | undefined;
  objectType?: string | undefined;
  objectId?: string | undefined;
  unit?: number | undefined;
  /** YYYY-MM-DD, inclusive, in the browser's time zone. */
  from?: string | undefined;
  to?: string | undefined;
}

/** auditKeys.all → lists → list(filters) | lastVerification | units. */
export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filters: AuditFilters) => [...auditKeys.lists(), filters] as const,
  lastVerification: () => [...auditKeys.all, 'last-verification'] as const,
  units: () => [...auditKeys.all, 'units'] as const,
};
