import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Crate, CursorPage } from '@/lib/api/types';

import { crateKeys } from './crate-keys';

/** Crates in storage matching a code fragment or description (the withdrawal picker). */
export function searchCrates(term: string): Promise<CursorPage<Crate>> {
  return unwrap(
    api.GET('/api/v1/crates/', {
      params: { query: { search: term, status: ['IN_STORAGE'], page_size: 20 } },
    }),
  );
}

export function crateSearchQueryOptions(term: string) {
  return queryOptions({
    queryKey: crateKeys.search(term),
    queryFn: () => searchCrates(term),
    enabled: term.trim().length >= 2,
  });
}

export function useCrateSearch(term: string) {
  return useQuery(crateSearchQueryOptions(term));
}
