import { queryOptions, useQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Schemas } from '@/lib/api/types';

import { departmentKeys } from './department-keys';

export type Department = Schemas['Department'];

/** Active departments of the caller's units (a storage request files under one). */
export function getDepartments(): Promise<CursorPage<Department>> {
  return unwrap(
    api.GET('/api/v1/departments/', { params: { query: { is_active: true, page_size: 200 } } }),
  );
}

export function departmentsQueryOptions() {
  return queryOptions({ queryKey: departmentKeys.list(), queryFn: getDepartments });
}

export function useDepartments() {
  return useQuery(departmentsQueryOptions());
}
