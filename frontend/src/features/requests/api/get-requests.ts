import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, RequestListItem } from '@/lib/api/types';

import { requestKeys, type RequestFilters } from './request-keys';

const PAGE_SIZE = 25;

function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

export function getRequests(
  filters: RequestFilters,
  cursor?: string,
): Promise<CursorPage<RequestListItem>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.type === undefined ? {} : { type: filters.type }),
    ...(filters.status === undefined || filters.status.length === 0
      ? {}
      : { status: filters.status }),
    ...(filters.mine === true ? { mine: true } : {}),
    ...(filters.waiting_for_me === true ? { waiting_for_me: true } : {}),
    ...(filters.overdue === true ? { overdue: true } : {}),
    ...(filters.search === undefined || filters.search === '' ? {} : { search: filters.search }),
  };
  return unwrap(api.GET('/api/v1/requests/', { params: { query } }));
}

export function requestsQueryOptions(filters: RequestFilters) {
  return infiniteQueryOptions({
    queryKey: requestKeys.list(filters),
    queryFn: ({ pageParam }) => getRequests(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useRequests(filters: RequestFilters) {
  return useInfiniteQuery(requestsQueryOptions(filters));
}
