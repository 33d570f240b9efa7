import type { CrateStatus } from '@/lib/api/types';

import type { CrateFilters } from '@/entities/crates/crate-keys';

export const CRATE_STATUSES: readonly CrateStatus[] = [
  'PENDING',
  'IN_STORAGE',
  'ISSUED',
  'DESTROYED',
  'MISSING',
];

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) {
    return undefined;
  }
  const number = Number(value);
  return number > 0 ? number : undefined;
}

/** Filters live in the URL so a filtered list can be bookmarked, shared and reloaded. */
export function crateFiltersFromParams(params: URLSearchParams): CrateFilters {
  const statuses = params
    .getAll('status')
    .filter((s): s is CrateStatus => (CRATE_STATUSES as readonly string[]).includes(s));
  const search = (params.get('search') ?? '').trim();
  const hold = params.get('legal_hold');
  const due = params.get('destroy_after_to') ?? '';
  return {
    search: search === '' ? undefined : search,
    status: statuses.length > 0 ? statuses : undefined,
    unit: positiveInt(params.get('unit')),
    location: positiveInt(params.get('location')),
    legal_hold: hold === 'true' ? true : hold === 'false' ? false : undefined,
    destroy_after_to: DATE.test(due) ? due : undefined,
  };
}

export function paramsFromCrateFilters(filters: CrateFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.search !== undefined && filters.search !== '') {
    params.set('search', filters.search);
  }
  for (const status of filters.status ?? []) {
    params.append('status', status);
  }
  if (filters.unit !== undefined) {
    params.set('unit', String(filters.unit));
  }
  if (filters.location !== undefined) {
    params.set('location', String(filters.location));
  }
  if (filters.legal_hold !== undefined) {
    params.set('legal_hold', String(filters.legal_hold));
  }
  if (filters.destroy_after_to !== undefined) {
    params.set('destroy_after_to', filters.destroy_after_to);
  }
  return params;
}
