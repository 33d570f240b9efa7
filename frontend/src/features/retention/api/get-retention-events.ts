import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { RetentionEvent } from '@/lib/api/types';

import { retentionKeys } from './retention-keys';

/** GET /retention-events/ — the named events a rule can run from (not paginated). */
export function getRetentionEvents(): Promise<RetentionEvent[]> {
  return unwrap(api.GET('/api/v1/retention-events/'));
}

export function useRetentionEvents() {
  return useQuery(
    queryOptions({
      queryKey: retentionKeys.events(),
      queryFn: getRetentionEvents,
      staleTime: 600_000,
    }),
  );
}
