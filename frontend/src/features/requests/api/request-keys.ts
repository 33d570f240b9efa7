import type { RequestStatus, RequestType } from '@/lib/api/types';

export interface RequestFilters {
  type?: RequestType | undefined;
  status?: RequestStatus[] | undefined;
  mine?: boolean | undefined;
  waiting_for_me?: boolean | undefined;
  overdue?: boolean | undefined;
  search?: string | undefined;
}

/** requestKeys.all → lists → list(filters) → details → detail(id). */
export const requestKeys = {
  all: ['requests'] as const,
  lists: () => [...requestKeys.all, 'list'] as const,
  list: (filters: RequestFilters) => [...requestKeys.lists(), filters] as const,
  details: () => [...requestKeys.all, 'detail'] as const,
  detail: (id: number) => [...requestKeys.details(), id] as const,
};
