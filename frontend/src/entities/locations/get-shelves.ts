import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Location } from '@/lib/api/types';

import { locationKeys } from './location-keys';

/** Active shelves of a unit with their free capacity (allocate / receive dialogs). */
export function getShelves(unit: number): Promise<CursorPage<Location>> {
  return unwrap(
    api.GET('/api/v1/locations/', {
      params: { query: { unit, kind: 'SHELF', is_active: true, page_size: 200 } },
    }),
  );
}

export function shelvesQueryOptions(unit: number, enabled: boolean) {
  return queryOptions({
    queryKey: locationKeys.shelves(unit),
    queryFn: () => getShelves(unit),
    enabled,
  });
}

export function useShelves(unit: number, enabled: boolean) {
  return useQuery(shelvesQueryOptions(unit, enabled));
}
