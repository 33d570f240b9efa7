import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage } from '@/lib/api/types';

import { batchKeys, type BatchFilters } from './batch-keys';
import type { BatchListItem } from './types';

const PAGE_SIZE = 25;

function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

/** GET /destruction-batches/ — the caller's units' batches, newest first. */
export function getBatches(
  filters: BatchFilters,
  cursor?: string,
): Promise<CursorPage<BatchListItem>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.status === undefined || filters.status.length === 0
      ? {}
      : { status: filters.status }),
    ...(filters.search === undefined || filters.search === '' ? {} : { search: filters.search }),
  };
  return unwrap(api.GET('/api/v1/destruction-batches/', { params: { query } }));
}

export function batchesQueryOptions(filters: BatchFilters) {
  return infiniteQueryOptions({
    queryKey: batchKeys.list(filters),
    queryFn: ({ pageParam }) => getBatches(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useBatches(filters: BatchFilters) {
  return useInfiniteQuery(batchesQueryOptions(filters));
}
