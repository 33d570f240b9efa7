import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Schemas } from '@/lib/api/types';

import { adminKeys } from './admin-keys';

export type Department = Schemas['Department'];
export type DepartmentBody = Schemas['DepartmentRequest'];

/** GET /departments/ — active and inactive, of the caller's units (optionally one unit). */
export function getDepartments(unit: number | null): Promise<CursorPage<Department>> {
  return unwrap(
    api.GET('/api/v1/departments/', {
      params: { query: { page_size: 200, ...(unit === null ? {} : { unit }) } },
    }),
  );
}

export function departmentsQueryOptions(unit: number | null) {
  return queryOptions({
    queryKey: adminKeys.departmentList(unit),
    queryFn: () => getDepartments(unit),
  });
}

export function useAdminDepartments(unit: number | null) {
  return useQuery(departmentsQueryOptions(unit));
}

/** POST /departments/ or PATCH /departments/{id}/ (within the caller's units). */
export function saveDepartment(id: number | null, body: DepartmentBody): Promise<Department> {
  return id === null
    ? unwrap(api.POST('/api/v1/departments/', { body }))
    : unwrap(api.PATCH('/api/v1/departments/{id}/', { params: { path: { id } }, body }));
}

export function useSaveDepartment(id: number | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DepartmentBody) => saveDepartment(id, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.departments() });
    },
  });
}
