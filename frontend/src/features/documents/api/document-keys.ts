import type { Schemas } from '@/lib/api/types';

export interface DocumentFilters {
  search?: string | undefined;
  doc_type?: string | undefined;
  status?: Schemas['DocumentStatusEnum'] | undefined;
  unit?: number | undefined;
  retention_until_from?: string | undefined;
  retention_until_to?: string | undefined;
}

/** documentKeys.all → lists → list(filters); types (the master list of document types). */
export const documentKeys = {
  all: ['documents'] as const,
  lists: () => [...documentKeys.all, 'list'] as const,
  list: (filters: DocumentFilters) => [...documentKeys.lists(), filters] as const,
  types: () => [...documentKeys.all, 'types'] as const,
};
