import type { Schemas } from '@/lib/api/types';

export interface DocumentFilters {
  search?: string | undefined;
  doc_type?: string | undefined;
  status?: Schemas['DocumentStatusEnum'] | undefined;
  unit?: number | undefined;
  retention_until_from?: string | undefined;
  retention_until_to?: string | undefined;
}

/**
 * documentKeys.all → lists → list(filters); crate(id) (the documents filed in a crate); types
 * (the master list of document types).
 *
 * The one key factory for documents: the documents search, the request screens (documents of a
 * crate) and the storage wizard (document types) read under this root.
 */
export const documentKeys = {
  all: ['documents'] as const,
  lists: () => [...documentKeys.all, 'list'] as const,
  list: (filters: DocumentFilters) => [...documentKeys.lists(), filters] as const,
  crate: (crate: number) => [...documentKeys.all, 'crate', crate] as const,
  types: (department?: number) => [...documentKeys.all, 'types', department ?? null] as const,
};
