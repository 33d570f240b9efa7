import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { DocumentType } from '@/lib/api/types';

import { documentKeys } from './document-keys';

/** GET /document-types/ — the master list (not paginated). */
export function getDocumentTypes(): Promise<DocumentType[]> {
  return unwrap(api.GET('/api/v1/document-types/'));
}

export function useDocumentTypes() {
  return useQuery(
    queryOptions({ queryKey: documentKeys.types(), queryFn: getDocumentTypes, staleTime: 600_000 }),
  );
}
