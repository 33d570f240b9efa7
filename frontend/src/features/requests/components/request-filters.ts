import type { RequestStatus, RequestType } from '@/lib/api/types';

import type { RequestFilters } from '../api/request-keys';

export const REQUEST_TYPES: readonly RequestType[] = [
  'STORAGE',
  'WITHDRAWAL',
  'TRANSFER',
  'DESTRUCTION',
];
export const REQUEST_STATUSES: readonly RequestStatus[] = [
  'SUBMITTED',
  'APPROVED',
  'ISSUED',
  'SENT_BACK',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
];

/** Filters live in the URL so a filtered list can be bookmarked, shared and reloaded. */
export function filtersFromParams(params: URLSearchParams): RequestFilters {
  const type = params.get('type');
  const statuses = params
    .getAll('status')
    .filter((s): s is RequestStatus => (REQUEST_STATUSES as readonly string[]).includes(s));
  const search = params.get('search') ?? '';
  return {
    type: (REQUEST_TYPES as readonly string[]).includes(type ?? '')
      ? (type as RequestType)
      : undefined,
    status: statuses.length > 0 ? statuses : undefined,
    mine: params.get('mine') === 'true' ? true : undefined,
    waiting_for_me: params.get('waiting_for_me') === 'true' ? true : undefined,
    overdue: params.get('overdue') === 'true' ? true : undefined,
    search: search === '' ? undefined : search,
  };
}

export function paramsFromFilters(filters: RequestFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.type !== undefined) {
    params.set('type', filters.type);
  }
  for (const status of filters.status ?? []) {
    params.append('status', status);
  }
  for (const flag of ['mine', 'waiting_for_me', 'overdue'] as const) {
    if (filters[flag] === true) {
      params.set(flag, 'true');
    }
  }
  if (filters.search !== undefined && filters.search !== '') {
    params.set('search', filters.search);
  }
  return params;
}
