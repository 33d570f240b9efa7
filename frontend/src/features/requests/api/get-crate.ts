import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CrateDetail } from '@/lib/api/types';

import { crateKeys } from './request-keys';

export function getCrate(id: number): Promise<CrateDetail> {
  return unwrap(api.GET('/api/v1/crates/{id}/', { params: { path: { id } } }));
}

export function crateQueryOptions(id: number | null) {
  return queryOptions({
    queryKey: crateKeys.detail(id ?? 0),
    queryFn: () => getCrate(id ?? 0),
    enabled: id !== null,
  });
}

export function useCrate(id: number | null) {
  return useQuery(crateQueryOptions(id));
}
