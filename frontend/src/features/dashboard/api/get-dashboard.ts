import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Dashboard } from '@/lib/api/types';

import { dashboardKeys } from './dashboard-keys';

export function getDashboard(): Promise<Dashboard> {
  return unwrap(api.GET('/api/v1/reports/dashboard/'));
}

export function dashboardQueryOptions() {
  return queryOptions({ queryKey: dashboardKeys.summary(), queryFn: getDashboard });
}

export function useDashboard() {
  return useQuery(dashboardQueryOptions());
}
