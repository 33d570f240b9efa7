import { queryOptions, useQuery } from '@tanstack/react-query';

import { documentKeys } from './document-keys';
import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Document } from '@/lib/api/types';

/** The most documents one page of GET /documents/ returns (core.pagination max_page_size). */
export const CRATE_DOCUMENTS_PAGE = 200;

/** GET /documents/?crate={id} — the documents filed in a crate (number, title, type, retention). */
export function getCrateDocuments(crate: number): Promise<CursorPage<Document>> {
  return unwrap(
    api.GET('/api/v1/documents/', {
      params: { query: { crate, page_size: CRATE_DOCUMENTS_PAGE } },
    }),
  );
}

export function crateDocumentsQueryOptions(crate: number) {
  return queryOptions({
    // Under the documents root key, so whatever refreshes documents refreshes this list too.
    queryKey: documentKeys.crate(crate),
    queryFn: () => getCrateDocuments(crate),
  });
}

export function useCrateDocuments(crate: number) {
  return useQuery(crateDocumentsQueryOptions(crate));
}
