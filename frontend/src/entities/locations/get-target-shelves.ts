import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Location } from '@/lib/api/types';

import { locationKeys } from './location-keys';

/**
 * Every active shelf of the caller's units, with its free capacity: a transfer may target a
 * shelf of the same unit or of another unit the requester belongs to.
 */
export function getTargetShelves(): Promise<CursorPage<Location>> {
  return unwrap(
    api.GET('/api/v1/locations/', {
      params: { query: { kind: 'SHELF', is_active: true, page_size: 200, ordering: 'full_code' } },
    }),
  );
}

export function targetShelvesQueryOptions(enabled: boolean) {
  return queryOptions({
    queryKey: locationKeys.targetShelves(),
    queryFn: getTargetShelves,
    enabled,
  });
}

export function useTargetShelves(enabled = true) {
  return useQuery(targetShelvesQueryOptions(enabled));
}
