import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';

import { auditKeys } from './audit-keys';

/** Units to filter the trail by (for those who read every unit's events). */
export function getUnits() {
  return unwrap(api.GET('/api/v1/units/', { params: { query: { page_size: 200 } } }));
}

export function auditUnitsQueryOptions(enabled: boolean) {
  return queryOptions({ queryKey: auditKeys.units(), queryFn: getUnits, enabled });
}

export function useAuditUnits(enabled: boolean) {
  return useQuery(auditUnitsQueryOptions(enabled));
}
