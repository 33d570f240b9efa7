import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CrateDetail } from '@/lib/api/types';

import { crateKeys } from './crate-keys';

/** GET /crates/{id}/ — documents, location, legal hold and history. */
export function getCrate(id: number): Promise<CrateDetail> {
  return unwrap(api.GET('/api/v1/crates/{id}/', { params: { path: { id } } }));
}

/** One crate; `null` (nothing chosen yet) leaves the query disabled. */
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
