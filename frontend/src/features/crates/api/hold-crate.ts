import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import { invalidateSigningSession } from '@/lib/auth/signing-session';
import type { CrateDetail, Schemas } from '@/lib/api/types';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { crateKeys } from '@/entities/crates/crate-keys';

export type HoldBody = Schemas['HoldRequest'];
export type HoldAction = 'place' | 'release';

/** POST /crates/{id}/hold/ or /release-hold/ — signed (HOLD_PLACED / HOLD_RELEASED). */
export function changeHold(id: number, action: HoldAction, body: HoldBody): Promise<CrateDetail> {
  const params = { params: { path: { id } }, body };
  return action === 'place'
    ? unwrap(api.POST('/api/v1/crates/{id}/hold/', params))
    : unwrap(api.POST('/api/v1/crates/{id}/release-hold/', params));
}

export function useChangeHold(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: { action: HoldAction; body: HoldBody }) => {
      markOwnChange('crate', id);
      return changeHold(id, action, body);
    },
    onSuccess: (detail) => {
      markOwnChange('crate', id);
      queryClient.setQueryData(crateKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: crateKeys.lists() });
      invalidateSigningSession(queryClient);
    },
  });
}
