import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { RequestDetail } from '@/lib/api/types';

import { requestKeys } from './request-keys';

export function getRequest(id: number): Promise<RequestDetail> {
  return unwrap(api.GET('/api/v1/requests/{id}/', { params: { path: { id } } }));
}

export function requestQueryOptions(id: number) {
  return queryOptions({ queryKey: requestKeys.detail(id), queryFn: () => getRequest(id) });
}

export function useRequest(id: number) {
  return useQuery(requestQueryOptions(id));
}
