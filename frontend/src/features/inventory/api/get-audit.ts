import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';

import { inventoryKeys } from './audit-keys';
import type { AuditDetail, AuditScan } from './types';

/** GET /inventory-audits/{id}/ — the audit, its shelves, its results (live while counting),
 *  its signatures and what the caller may do now. */
export function getAudit(id: number): Promise<AuditDetail> {
  return unwrap(api.GET('/api/v1/inventory-audits/{id}/', { params: { path: { id } } }));
}

export function auditQueryOptions(id: number) {
  return queryOptions({ queryKey: inventoryKeys.detail(id), queryFn: () => getAudit(id) });
}

export function useAudit(id: number) {
  return useQuery(auditQueryOptions(id));
}

/** GET /inventory-audits/{id}/scans/?shelf= — what was scanned on a shelf, newest first: the
 *  shelf's state after a reload comes from here, not from the browser. */
export function getShelfScans(id: number, shelf: number): Promise<AuditScan[]> {
  return unwrap(
    api.GET('/api/v1/inventory-audits/{id}/scans/', {
      params: { path: { id }, query: { shelf } },
    }),
  );
}

export function useShelfScans(id: number, shelf: number | null) {
  return useQuery({
    queryKey: inventoryKeys.scans(id, shelf ?? 0),
    queryFn: () => getShelfScans(id, shelf ?? 0),
    enabled: shelf !== null,
  });
}
