import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import { cursorOf } from '@/lib/api/cursor';
import type { CursorPage, Schemas } from '@/lib/api/types';

import { auditKeys, type AuditFilters } from './audit-keys';
import { auditQuery } from './audit-query';

export type AuditEvent = Schemas['AuditEvent'];

const PAGE_SIZE = 50;

/** GET /audit-events/ — newest first, one cursor page. */
export function getAuditEvents(
  filters: AuditFilters,
  cursor?: string,
): Promise<CursorPage<AuditEvent>> {
  return unwrap(
    api.GET('/api/v1/audit-events/', {
      params: {
        query: {
          page_size: PAGE_SIZE,
          ...auditQuery(filters),
          ...(cursor === undefined ? {} : { cursor }),
        },
      },
    }),
  );
}

export function auditEventsQueryOptions(filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(filters),
    queryFn: ({ pageParam }) => getAuditEvents(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery(auditEventsQueryOptions(filters));
}
