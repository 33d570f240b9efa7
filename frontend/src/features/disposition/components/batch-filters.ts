import type { BatchFilters, BatchStatus } from '../api/batch-keys';

export const BATCH_STATUSES: readonly BatchStatus[] = [
  'DRAFT',
  'SUBMITTED',
  'APPROVED',
  'IN_PROGRESS',
  'COMPLETED',
  'CANCELLED',
];

/** The list's filters live in the URL (bookmarked, shared, reloaded). */
export function batchFiltersFromParams(params: URLSearchParams): BatchFilters {
  const statuses = params
    .getAll('status')
    .filter((s): s is BatchStatus => (BATCH_STATUSES as readonly string[]).includes(s));
  const search = params.get('search')?.trim() ?? '';
  return {
    status: statuses.length > 0 ? statuses : undefined,
    search: search === '' ? undefined : search,
  };
}

export function paramsFromBatchFilters(filters: BatchFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const status of filters.status ?? []) {
    params.append('status', status);
  }
  if (filters.search !== undefined && filters.search !== '') {
    params.set('search', filters.search);
  }
  return params;
}
