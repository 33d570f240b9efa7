import type { AuditStatus } from './types';

export interface AuditFilters {
  status?: AuditStatus[] | undefined;
  search?: string | undefined;
}

/** inventoryKeys.all → lists → list(filters) → details → detail(id) → scans(id, shelf);
 *  proposals. One `inventory` event (any scan, shelf, reconciliation) refetches an audit. */
export const inventoryKeys = {
  all: ['inventory-audits'] as const,
  lists: () => [...inventoryKeys.all, 'list'] as const,
  list: (filters: AuditFilters) => [...inventoryKeys.lists(), filters] as const,
  details: () => [...inventoryKeys.all, 'detail'] as const,
  detail: (id: number) => [...inventoryKeys.details(), id] as const,
  scans: (id: number, shelf: number) => [...inventoryKeys.detail(id), 'scans', shelf] as const,
  proposals: () => [...inventoryKeys.all, 'proposals'] as const,
};
