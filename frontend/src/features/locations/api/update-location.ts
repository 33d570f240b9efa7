import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Location, Schemas } from '@/lib/api/types';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { locationKeys } from '@/entities/locations/location-keys';

export type LocationUpdateBody = Schemas['LocationUpdateRequest'];

/**
 * PATCH /locations/{id}/ with the version read. Lowering a room's security class needs a
 * reason (400 `reason_required` otherwise); a capacity below the crates stored is refused.
 */
export function updateLocation(id: number, body: LocationUpdateBody): Promise<Location> {
  return unwrap(api.PATCH('/api/v1/locations/{id}/', { params: { path: { id } }, body }));
}

export function useUpdateLocation(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LocationUpdateBody) => {
      markOwnChange('location', id);
      return updateLocation(id, body);
    },
    onSuccess: (location) => {
      markOwnChange('location', id);
      queryClient.setQueryData(locationKeys.detail(id), location);
      void queryClient.invalidateQueries({ queryKey: locationKeys.trees() });
    },
  });
}
