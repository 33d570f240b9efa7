import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Location } from '@/lib/api/types';

import { locationKeys } from '@/entities/locations/location-keys';

export function getLocation(id: number): Promise<Location> {
  return unwrap(api.GET('/api/v1/locations/{id}/', { params: { path: { id } } }));
}

export function locationQueryOptions(id: number) {
  return queryOptions({ queryKey: locationKeys.detail(id), queryFn: () => getLocation(id) });
}

export function useLocation(id: number) {
  return useQuery(locationQueryOptions(id));
}
