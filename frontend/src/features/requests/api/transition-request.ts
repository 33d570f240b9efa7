import { useMutation, useQueryClient } from '@tanstack/react-query';

import { crateKeys } from '@/entities/crates/crate-keys';
import { api, unwrap } from '@/lib/api/client';
import { invalidateSigningSession } from '@/lib/auth/signing-session';
import type { RequestDetail, Schemas } from '@/lib/api/types';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { requestKeys } from './request-keys';

export type TransitionName =
  | 'approve'
  | 'reject'
  | 'send-back'
  | 'resubmit'
  | 'cancel'
  | 'allocate'
  | 'issue'
  | 'receive'
  | 'transfer'
  | 'destroy';

export type TransitionBody = Schemas['TransitionRequest'];

/** POST /requests/{id}/{action}/ — a signed transition. */
export function transitionRequest(
  id: number,
  action: TransitionName,
  body: TransitionBody,
): Promise<RequestDetail> {
  const params = { params: { path: { id } }, body };
  switch (action) {
    case 'approve':
      return unwrap(api.POST('/api/v1/requests/{id}/approve/', params));
    case 'reject':
      return unwrap(api.POST('/api/v1/requests/{id}/reject/', params));
    case 'send-back':
      return unwrap(api.POST('/api/v1/requests/{id}/send-back/', params));
    case 'resubmit':
      return unwrap(api.POST('/api/v1/requests/{id}/resubmit/', params));
    case 'cancel':
      return unwrap(api.POST('/api/v1/requests/{id}/cancel/', params));
    case 'allocate':
      return unwrap(api.POST('/api/v1/requests/{id}/allocate/', params));
    case 'issue':
      return unwrap(api.POST('/api/v1/requests/{id}/issue/', params));
    case 'receive':
      return unwrap(api.POST('/api/v1/requests/{id}/receive/', params));
    case 'transfer':
      return unwrap(api.POST('/api/v1/requests/{id}/transfer/', params));
    case 'destroy':
      return unwrap(api.POST('/api/v1/requests/{id}/destroy/', params));
  }
}

export function useTransitionRequest(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, body }: { action: TransitionName; body: TransitionBody }) => {
      markOwnChange('request', id);
      return transitionRequest(id, action, body);
    },
    onSuccess: (detail) => {
      markOwnChange('request', id);
      queryClient.setQueryData(requestKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: requestKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: crateKeys.all });
      invalidateSigningSession(queryClient);
    },
  });
}
