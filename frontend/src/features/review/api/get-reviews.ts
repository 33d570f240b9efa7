import {
  infiniteQueryOptions,
  queryOptions,
  useInfiniteQuery,
  useQuery,
} from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage } from '@/lib/api/types';

import { reviewKeys, type ReviewFilters } from './review-keys';
import type { ReviewDetail, ReviewListItem } from './types';

const PAGE_SIZE = 25;

function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

/** GET /audit-reviews/ — the caller's units' reviews, most recently opened first. */
export function getReviews(
  filters: ReviewFilters,
  cursor?: string,
): Promise<CursorPage<ReviewListItem>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.status === undefined || filters.status.length === 0
      ? {}
      : { status: filters.status }),
    ...(filters.unit === undefined ? {} : { unit: filters.unit }),
  };
  return unwrap(api.GET('/api/v1/audit-reviews/', { params: { query } }));
}

export function reviewsQueryOptions(filters: ReviewFilters) {
  return infiniteQueryOptions({
    queryKey: reviewKeys.list(filters),
    queryFn: ({ pageParam }) => getReviews(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useReviews(filters: ReviewFilters) {
  return useInfiniteQuery(reviewsQueryOptions(filters));
}

/** GET /audit-reviews/{id}/ — the review, its flags (with their first events) and signature. */
export function getReview(id: number): Promise<ReviewDetail> {
  return unwrap(api.GET('/api/v1/audit-reviews/{id}/', { params: { path: { id } } }));
}

export function reviewQueryOptions(id: number) {
  return queryOptions({ queryKey: reviewKeys.detail(id), queryFn: () => getReview(id) });
}

export function useReview(id: number) {
  return useQuery(reviewQueryOptions(id));
}
