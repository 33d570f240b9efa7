import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';

import { batchKeys } from './batch-keys';
import type { BatchDetail } from './types';

/** GET /destruction-batches/{id}/ — the batch, its items in pick-list order, its signatures
 *  and what the caller may do now (`available_actions`). */
export function getBatch(id: number): Promise<BatchDetail> {
  return unwrap(api.GET('/api/v1/destruction-batches/{id}/', { params: { path: { id } } }));
}

export function batchQueryOptions(id: number) {
  return queryOptions({ queryKey: batchKeys.detail(id), queryFn: () => getBatch(id) });
}

export function useBatch(id: number) {
  return useQuery(batchQueryOptions(id));
}
