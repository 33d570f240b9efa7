import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CrateDetail } from '@/lib/api/types';

import { crateKeys } from './crate-keys';

/** GET /crates/{id}/ — documents, location, legal hold and history. */
export function getCrate(id: number): Promise<CrateDetail> {
  return unwrap(api.GET('/api/v1/crates/{id}/', { params: { path: { id } } }));
}

export function crateQueryOptions(id: number) {
  return queryOptions({ queryKey: crateKeys.detail(id), queryFn: () => getCrate(id) });
}

export function useCrate(id: number) {
  return useQuery(crateQueryOptions(id));
}
