import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage } from '@/lib/api/types';

import { inventoryKeys, type AuditFilters } from './audit-keys';
import type { AuditListItem } from './types';

const PAGE_SIZE = 25;

function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

/** GET /inventory-audits/ — the caller's units' audits, newest first. */
export function getAudits(
  filters: AuditFilters,
  cursor?: string,
): Promise<CursorPage<AuditListItem>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.status === undefined || filters.status.length === 0
      ? {}
      : { status: filters.status }),
    ...(filters.search === undefined || filters.search === '' ? {} : { search: filters.search }),
  };
  return unwrap(api.GET('/api/v1/inventory-audits/', { params: { query } }));
}

export function auditsQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: inventoryKeys.list(filters),
    queryFn: ({ pageParam }) => getAudits(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useAudits(filters: AuditFilters) {
  return useInfiniteQuery(auditsQueryOptions(filters));
}
