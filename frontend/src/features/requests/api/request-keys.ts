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

/** Crates as the request screens read them (picker, documents of a crate). */
export const crateKeys = {
  all: ['crates'] as const,
  searches: () => [...crateKeys.all, 'search'] as const,
  search: (term: string) => [...crateKeys.searches(), term] as const,
  destructible: (term: string) => [...crateKeys.all, 'destructible', term] as const,
  details: () => [...crateKeys.all, 'detail'] as const,
  detail: (id: number) => [...crateKeys.details(), id] as const,
};

/** Shelves offered by the allocate / receive dialogs. */
export const locationKeys = {
  all: ['locations'] as const,
  shelves: (unit: number) => [...locationKeys.all, 'shelves', unit] as const,
  /** Every active shelf the caller may see (a transfer's target, possibly in another unit). */
  targetShelves: () => [...locationKeys.all, 'shelves', 'targets'] as const,
};

/** Departments offered by the storage wizard. */
export const departmentKeys = {
  all: ['departments'] as const,
  list: () => [...departmentKeys.all, 'list'] as const,
};
