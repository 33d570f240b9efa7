import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, RequestListItem } from '@/lib/api/types';

import { dashboardKeys } from './dashboard-keys';

/** "My tasks": the requests waiting for this user's next action (by role). */
export function getMyTasks(): Promise<CursorPage<RequestListItem>> {
  return unwrap(
    api.GET('/api/v1/requests/', { params: { query: { waiting_for_me: true, page_size: 10 } } }),
  );
}

export function myTasksQueryOptions() {
  return queryOptions({ queryKey: dashboardKeys.tasks(), queryFn: getMyTasks });
}

export function useMyTasks() {
  return useQuery(myTasksQueryOptions());
}
