import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { DocumentType } from '@/lib/api/types';

import { documentKeys } from './document-keys';

/**
 * GET /document-types/ — the master list (not paginated). With a department, each type also
 * says which approved retention rule governs a document filed there (`retention_rule`).
 */
export function getDocumentTypes(department?: number): Promise<DocumentType[]> {
  return unwrap(
    api.GET('/api/v1/document-types/', {
      params: { query: department === undefined ? {} : { department } },
    }),
  );
}

export function useDocumentTypes(department?: number) {
  return useQuery(
    queryOptions({
      queryKey: documentKeys.types(department),
      queryFn: () => getDocumentTypes(department),
      staleTime: department === undefined ? 600_000 : 60_000,
    }),
  );
}
