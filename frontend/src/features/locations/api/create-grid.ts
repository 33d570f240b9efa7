import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { locationKeys } from '@/entities/locations/location-keys';

export type GridBody = Schemas['LocationGridRequest'];
export type GridResult = Schemas['LocationGridResult'];

/** POST /locations/bulk/ — rooms x racks x shelves in one transaction, refused as a whole. */
export function createGrid(body: GridBody): Promise<GridResult> {
  return unwrap(api.POST('/api/v1/locations/bulk/', { body }));
}

export function useCreateGrid() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createGrid,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: locationKeys.all });
    },
  });
}
