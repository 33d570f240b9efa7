import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Crate, CursorPage } from '@/lib/api/types';

import { crateKeys, type CrateFilters } from '@/entities/crates/crate-keys';

const PAGE_SIZE = 25;

export function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

/** GET /crates/ — newest first, cursor-paginated, filtered and searched by the server. */
export function getCrates(filters: CrateFilters, cursor?: string): Promise<CursorPage<Crate>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.search === undefined || filters.search === '' ? {} : { search: filters.search }),
    ...(filters.status === undefined || filters.status.length === 0
      ? {}
      : { status: filters.status }),
    ...(filters.unit === undefined ? {} : { unit: filters.unit }),
    ...(filters.location === undefined ? {} : { location: filters.location }),
    ...(filters.legal_hold === undefined ? {} : { legal_hold: filters.legal_hold }),
    ...(filters.destroy_after_to === undefined
      ? {}
      : { destroy_after_to: filters.destroy_after_to }),
  };
  return unwrap(api.GET('/api/v1/crates/', { params: { query } }));
}

export function cratesQueryOptions(filters: CrateFilters) {
  return infiniteQueryOptions({
    queryKey: crateKeys.list(filters),
    queryFn: ({ pageParam }) => getCrates(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useCrates(filters: CrateFilters) {
  return useInfiniteQuery(cratesQueryOptions(filters));
}
