import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { adminKeys } from './admin-keys';

export type Role = Schemas['Role'];

/** GET /roles/ — the six roles with their permissions (not paginated). */
export function getRoles(): Promise<Role[]> {
  return unwrap(api.GET('/api/v1/roles/'));
}

export function rolesQueryOptions() {
  return queryOptions({ queryKey: adminKeys.roles(), queryFn: getRoles, staleTime: Infinity });
}

export function useRoles() {
  return useQuery(rolesQueryOptions());
}
