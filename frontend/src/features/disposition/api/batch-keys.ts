import type { Schemas } from '@/lib/api/types';

export type BatchStatus = Schemas['BatchStatusEnum'];

export interface BatchFilters {
  status?: BatchStatus[] | undefined;
  search?: string | undefined;
}

/** batchKeys.all → lists → list(filters) → details → detail(id). */
export const batchKeys = {
  all: ['destruction-batches'] as const,
  lists: () => [...batchKeys.all, 'list'] as const,
  list: (filters: BatchFilters) => [...batchKeys.lists(), filters] as const,
  details: () => [...batchKeys.all, 'detail'] as const,
  detail: (id: number) => [...batchKeys.details(), id] as const,
};
