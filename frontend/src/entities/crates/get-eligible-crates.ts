import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, EligibleCrate } from '@/lib/api/types';

import { crateKeys, type EligibleFilters } from './crate-keys';

const PAGE_SIZE = 50;

function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

/**
 * GET /retention/eligible-crates/ — crates that may be destroyed on `on` (default today: in
 * storage, no legal hold, not permanent, retention date reached), soonest date first.
 */
export function getEligibleCrates(
  filters: EligibleFilters,
  cursor?: string,
): Promise<CursorPage<EligibleCrate>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.on === undefined ? {} : { on: filters.on }),
    ...(filters.period_start === undefined ? {} : { period_start: filters.period_start }),
    ...(filters.period_end === undefined ? {} : { period_end: filters.period_end }),
    ...(filters.unit === undefined ? {} : { unit: filters.unit }),
    ...(filters.department === undefined ? {} : { department: filters.department }),
    ...(filters.search === undefined || filters.search === '' ? {} : { search: filters.search }),
  };
  return unwrap(api.GET('/api/v1/retention/eligible-crates/', { params: { query } }));
}

export function eligibleCratesQueryOptions(filters: EligibleFilters) {
  return infiniteQueryOptions({
    queryKey: crateKeys.eligible(filters),
    queryFn: ({ pageParam }) => getEligibleCrates(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
    placeholderData: keepPreviousData,
  });
}

export function useEligibleCrates(filters: EligibleFilters) {
  return useInfiniteQuery(eligibleCratesQueryOptions(filters));
}
