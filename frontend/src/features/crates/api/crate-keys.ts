import type { CrateStatus } from '@/lib/api/types';

export interface CrateFilters {
  search?: string | undefined;
  status?: CrateStatus[] | undefined;
  unit?: number | undefined;
  /** Crates standing on this shelf. */
  location?: number | undefined;
  legal_hold?: boolean | undefined;
  /** Crates whose destroy-after date is on or before this day (YYYY-MM-DD). */
  destroy_after_to?: string | undefined;
}

/**
 * crateKeys.all → lists → list(filters) → details → detail(id) → requests(id).
 *
 * The root and `detail(id)` are the same keys the requests feature uses for crates (its picker
 * and the documents of a crate), so one live `crate` event refreshes every screen showing one.
 */
export const crateKeys = {
  all: ['crates'] as const,
  lists: () => [...crateKeys.all, 'list'] as const,
  list: (filters: CrateFilters) => [...crateKeys.lists(), filters] as const,
  details: () => [...crateKeys.all, 'detail'] as const,
  detail: (id: number) => [...crateKeys.details(), id] as const,
  /** The requests of a crate (its open one, for the detail screen). */
  requestLists: () => [...crateKeys.all, 'requests'] as const,
  requests: (id: number) => [...crateKeys.requestLists(), id] as const,
};
