import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Document } from '@/lib/api/types';

import { documentKeys, type DocumentFilters } from '@/entities/documents/document-keys';

const PAGE_SIZE = 25;

function cursorOf(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined) {
    return undefined;
  }
  return new URL(next, window.location.origin).searchParams.get('cursor') ?? undefined;
}

/** GET /documents/ — full-text `search` (numbers, titles; every word as a prefix) and filters. */
export function getDocuments(
  filters: DocumentFilters,
  cursor?: string,
): Promise<CursorPage<Document>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.search === undefined || filters.search === '' ? {} : { search: filters.search }),
    ...(filters.doc_type === undefined ? {} : { doc_type: filters.doc_type }),
    ...(filters.status === undefined ? {} : { status: filters.status }),
    ...(filters.unit === undefined ? {} : { unit: filters.unit }),
    ...(filters.retention_until_from === undefined
      ? {}
      : { retention_until_from: filters.retention_until_from }),
    ...(filters.retention_until_to === undefined
      ? {}
      : { retention_until_to: filters.retention_until_to }),
  };
  return unwrap(api.GET('/api/v1/documents/', { params: { query } }));
}

export function documentsQueryOptions(filters: DocumentFilters) {
  return infiniteQueryOptions({
    queryKey: documentKeys.list(filters),
    queryFn: ({ pageParam }) => getDocuments(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
    // Typing refines the search: keep the last results on screen until the new ones arrive.
    placeholderData: keepPreviousData,
  });
}

export function useDocuments(filters: DocumentFilters) {
  return useInfiniteQuery(documentsQueryOptions(filters));
}
