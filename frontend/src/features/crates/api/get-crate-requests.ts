import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, RequestListItem, RequestStatus } from '@/lib/api/types';

import { crateKeys } from '@/entities/crates/crate-keys';

/** The statuses in which a request still holds its crate (at most one per crate). */
export const OPEN_REQUEST_STATUSES: RequestStatus[] = [
  'SUBMITTED',
  'APPROVED',
  'ISSUED',
  'SENT_BACK',
];

/** GET /requests/?crate=&status=… — the crate's open request, if any. */
export function getCrateOpenRequests(crate: number): Promise<CursorPage<RequestListItem>> {
  return unwrap(
    api.GET('/api/v1/requests/', {
      params: { query: { crate, status: OPEN_REQUEST_STATUSES, page_size: 5 } },
    }),
  );
}

export function crateOpenRequestQueryOptions(crate: number, enabled: boolean) {
  return queryOptions({
    queryKey: crateKeys.requests(crate),
    queryFn: () => getCrateOpenRequests(crate),
    enabled,
    select: (page) => page.results[0] ?? null,
  });
}

export function useCrateOpenRequest(crate: number, enabled: boolean) {
  return useQuery(crateOpenRequestQueryOptions(crate, enabled));
}

/** GET /requests/?crate=&type=DESTRUCTION&status=COMPLETED — the destruction of a destroyed crate. */
export function getCrateDestruction(crate: number): Promise<CursorPage<RequestListItem>> {
  return unwrap(
    api.GET('/api/v1/requests/', {
      params: {
        query: { crate, type: 'DESTRUCTION', status: ['COMPLETED'], page_size: 1 },
      },
    }),
  );
}

export function useCrateDestruction(crate: number, enabled: boolean) {
  return useQuery({
    queryKey: [...crateKeys.requests(crate), 'destruction'] as const,
    queryFn: () => getCrateDestruction(crate),
    enabled,
    select: (page) => page.results[0] ?? null,
  });
}
