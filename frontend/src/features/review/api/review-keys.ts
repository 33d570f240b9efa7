import type { ReviewStatus } from './types';

export interface ReviewFilters {
  status?: ReviewStatus[] | undefined;
  unit?: number | undefined;
}

export interface CoverageFilters {
  unit?: number | undefined;
  months?: number | undefined;
}

/** reviewKeys.all → lists → list(filters) → details → detail(id); coverage(filters). */
export const reviewKeys = {
  all: ['audit-reviews'] as const,
  lists: () => [...reviewKeys.all, 'list'] as const,
  list: (filters: ReviewFilters) => [...reviewKeys.lists(), filters] as const,
  details: () => [...reviewKeys.all, 'detail'] as const,
  detail: (id: number) => [...reviewKeys.details(), id] as const,
  coverages: () => [...reviewKeys.all, 'coverage'] as const,
  coverage: (filters: CoverageFilters) => [...reviewKeys.coverages(), filters] as const,
};
