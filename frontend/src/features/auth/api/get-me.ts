import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Me } from '@/lib/api/types';

import { authKeys } from './auth-keys';

export function getMe(): Promise<Me> {
  return unwrap(api.GET('/api/v1/auth/me/'));
}

export function meQueryOptions() {
  return queryOptions({ queryKey: authKeys.me(), queryFn: getMe, staleTime: 60_000 });
}

export function useMe(enabled = true) {
  return useQuery({ ...meQueryOptions(), enabled });
}
