import { queryOptions, useQuery } from '@tanstack/react-query';
import dayjs from 'dayjs';

import { api, unwrap } from '@/lib/api/client';
import type { Crate, CursorPage } from '@/lib/api/types';

import { crateKeys } from './crate-keys';

/**
 * Crates a destruction may be raised for: in storage, retention reached (destroy_after on or
 * before today), not retained permanently, not on legal hold. The server checks again (and
 * refuses a crate that already has an open request).
 */
export function getDestructibleCrates(term: string): Promise<CursorPage<Crate>> {
  const search = term.trim();
  return unwrap(
    api.GET('/api/v1/crates/', {
      params: {
        query: {
          status: ['IN_STORAGE'],
          destroy_after_to: dayjs().format('YYYY-MM-DD'),
          retain_permanently: false,
          legal_hold: false,
          page_size: 50,
          ...(search === '' ? {} : { search }),
        },
      },
    }),
  );
}

export function destructibleCratesQueryOptions(term: string) {
  return queryOptions({
    queryKey: crateKeys.destructible(term.trim()),
    queryFn: () => getDestructibleCrates(term),
  });
}

export function useDestructibleCrates(term: string) {
  return useQuery(destructibleCratesQueryOptions(term));
}
