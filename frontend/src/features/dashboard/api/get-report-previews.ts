import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';

import { dashboardKeys } from './dashboard-keys';

const PREVIEW = 5;

/** The first rows of reports/overdue/: issued withdrawals past their return date. */
export function getOverduePreview() {
  return unwrap(api.GET('/api/v1/reports/overdue/', { params: { query: { page_size: PREVIEW } } }));
}

export function overduePreviewQueryOptions() {
  return queryOptions({ queryKey: dashboardKeys.overdue(), queryFn: getOverduePreview });
}

export function useOverduePreview() {
  return useQuery(overduePreviewQueryOptions());
}

/** The first rows of reports/destruction-schedule/ up to `until` (YYYY-MM-DD), soonest first. */
export function getDestructionDuePreview(until: string) {
  return unwrap(
    api.GET('/api/v1/reports/destruction-schedule/', {
      params: { query: { until, page_size: PREVIEW } },
    }),
  );
}

export function destructionDueQueryOptions(until: string) {
  return queryOptions({
    queryKey: dashboardKeys.destructionDue(until),
    queryFn: () => getDestructionDuePreview(until),
  });
}

export function useDestructionDuePreview(until: string) {
  return useQuery(destructionDueQueryOptions(until));
}
