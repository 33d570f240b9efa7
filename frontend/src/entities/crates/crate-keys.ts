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

/** What the retention forecast counts (dates YYYY-MM-DD; absent: the server's default). */
export interface ForecastFilters {
  period: 'month' | 'quarter';
  from?: string | undefined;
  to?: string | undefined;
  unit?: number | undefined;
  department?: number | undefined;
}

/** The crates behind a forecast figure: eligible `on` a day, retention date in a period. */
export interface EligibleFilters {
  on?: string | undefined;
  period_start?: string | undefined;
  period_end?: string | undefined;
  unit?: number | undefined;
  department?: number | undefined;
  search?: string | undefined;
}

/**
 * crateKeys.all → lists → list(filters) → details → detail(id) → requests(id); searches →
 * search(term); destructible(term); forecasts → forecast(filters); eligibleLists →
 * eligible(filters).
 *
 * The one key factory for crates: every screen showing a crate (the crates screens, the request
 * pickers and wizards) reads under this root, so one live `crate` event refreshes all of them.
 */
export const crateKeys = {
  all: ['crates'] as const,
  lists: () => [...crateKeys.all, 'list'] as const,
  list: (filters: CrateFilters) => [...crateKeys.lists(), filters] as const,
  /** Crates in storage matching a code fragment or description (the withdrawal picker). */
  searches: () => [...crateKeys.all, 'search'] as const,
  search: (term: string) => [...crateKeys.searches(), term] as const,
  /** Crates a destruction may be raised for. */
  destructible: (term: string) => [...crateKeys.all, 'destructible', term] as const,
  /** The retention forecast (counts of crates by period): a crate event refreshes it too. */
  forecasts: () => [...crateKeys.all, 'forecast'] as const,
  forecast: (filters: ForecastFilters) => [...crateKeys.forecasts(), filters] as const,
  /** Crates eligible for destruction (the list behind a forecast figure). */
  eligibleLists: () => [...crateKeys.all, 'eligible'] as const,
  eligible: (filters: EligibleFilters) => [...crateKeys.eligibleLists(), filters] as const,
  details: () => [...crateKeys.all, 'detail'] as const,
  detail: (id: number) => [...crateKeys.details(), id] as const,
  /** The requests of a crate (its open one, for the detail screen). */
  requestLists: () => [...crateKeys.all, 'requests'] as const,
  requests: (id: number) => [...crateKeys.requestLists(), id] as const,
};
