import { useMutation } from '@tanstack/react-query';

import { downloadFile } from '@/lib/download';

import type { AuditFilters } from './audit-keys';
import { auditQuery } from './audit-query';

/**
 * GET /audit-events/?format=csv with the filters on screen; the export itself is audited. The
 * file lists oldest first (chain order: each row's prev_hash is the hash of the row above),
 * unlike the screen, and the button says so.
 */
export function exportAuditCsv(filters: AuditFilters): Promise<string> {
  const params = new URLSearchParams({ format: 'csv' });
  for (const [key, value] of Object.entries(auditQuery(filters))) {
    params.set(key, String(value));
  }
  return downloadFile(`/api/v1/audit-events/?${params.toString()}`, {
    accept: 'text/csv',
    fallbackName: 'audit-trail-oldest-first.csv',
  });
}

export function useExportAuditCsv() {
  return useMutation({ mutationFn: exportAuditCsv });
}
