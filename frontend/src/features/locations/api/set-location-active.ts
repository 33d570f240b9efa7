import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Location } from '@/lib/api/types';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { locationKeys } from '@/entities/locations/location-keys';

/**
 * POST /locations/{id}/deactivate/ or /activate/ — with everything beneath it. Deactivating a
 * location that holds crates is refused (409 `location_not_empty`); locations are never deleted.
 */
export function setLocationActive(
  id: number,
  active: boolean,
  body: { version: number; reason: string },
): Promise<Location> {
  const params = { params: { path: { id } }, body };
  return active
    ? unwrap(api.POST('/api/v1/locations/{id}/activate/', params))
    : unwrap(api.POST('/api/v1/locations/{id}/deactivate/', params));
}

export function useSetLocationActive(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      active,
      version,
      reason,
    }: {
      active: boolean;
      version: number;
      reason: string;
    }) => {
      markOwnChange('location', id);
      return setLocationActive(id, active, { version, reason });
    },
    onSuccess: (location) => {
      markOwnChange('location', id);
      queryClient.setQueryData(locationKeys.detail(id), location);
      void queryClient.invalidateQueries({ queryKey: locationKeys.all });
    },
  });
}
