import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { CursorPage, Schemas } from '@/lib/api/types';

import { adminKeys } from './admin-keys';

export type Unit = Schemas['Unit'];
export type UnitBody = Schemas['UnitRequest'];

/** GET /units/ — the caller's units (every unit for a System Administrator). */
export function getUnits(): Promise<CursorPage<Unit>> {
  return unwrap(api.GET('/api/v1/units/', { params: { query: { page_size: 200 } } }));
}

export function unitsQueryOptions() {
  return queryOptions({ queryKey: adminKeys.units(), queryFn: getUnits });
}

export function useUnits() {
  return useQuery(unitsQueryOptions());
}

/** POST /units/ or PATCH /units/{id}/ (System Administrators). */
export function saveUnit(id: number | null, body: UnitBody): Promise<Unit> {
  return id === null
    ? unwrap(api.POST('/api/v1/units/', { body }))
    : unwrap(api.PATCH('/api/v1/units/{id}/', { params: { path: { id } }, body }));
}

export function useSaveUnit(id: number | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UnitBody) => saveUnit(id, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.units() });
    },
  });
}
