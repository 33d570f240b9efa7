import { useMutation, useQueryClient } from '@tanstack/react-query';

import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';
import { invalidateSigningSession } from '@/lib/auth/signing-session';

import { reviewKeys } from './review-keys';
import type { ReviewDetail } from './types';

export type OpenReviewBody = Schemas['ReviewOpenRequest'];
export type DecideBody = Schemas['FlagDecideRequest'];
export type SignReviewBody = Schemas['ReviewSignRequest'];

/** POST /audit-reviews/ — open the review of a unit's ended month; its flags are computed. */
export function openReview(body: OpenReviewBody): Promise<ReviewDetail> {
  return unwrap(api.POST('/api/v1/audit-reviews/', { body }));
}

/** POST /audit-reviews/{id}/refresh/ — compute the flags again, adding only new ones. */
export function refreshReview(id: number, version: number): Promise<ReviewDetail> {
  return unwrap(
    api.POST('/api/v1/audit-reviews/{id}/refresh/', {
      params: { path: { id } },
      body: { version },
    }),
  );
}

/** POST /audit-reviews/{id}/flags/{flag_id}/decide/ — acknowledge or raise a finding. */
export function decideFlag(id: number, flagId: number, body: DecideBody): Promise<ReviewDetail> {
  return unwrap(
    api.POST('/api/v1/audit-reviews/{id}/flags/{flag_id}/decide/', {
      params: { path: { id, flag_id: String(flagId) } },
      body,
    }),
  );
}

/** POST /audit-reviews/{id}/sign/ — sign the period as reviewed (REVIEWED). */
export function signReview(id: number, body: SignReviewBody): Promise<ReviewDetail> {
  return unwrap(api.POST('/api/v1/audit-reviews/{id}/sign/', { params: { path: { id } }, body }));
}

export function useOpenReview() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: openReview,
    onSuccess: (detail) => {
      queryClient.setQueryData(reviewKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: reviewKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: reviewKeys.coverages() });
    },
  });
}

/** Every change on a review's page: the page shows the answer; a stale version reads it again. */
export function useReviewMutation<V>(
  id: number,
  call: (variables: V) => Promise<ReviewDetail>,
  { signed = false }: { signed?: boolean } = {},
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (detail) => {
      queryClient.setQueryData(reviewKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: reviewKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: reviewKeys.coverages() });
      if (signed) {
        invalidateSigningSession(queryClient);
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'stale_version') {
        void queryClient.invalidateQueries({ queryKey: reviewKeys.detail(id) });
      }
    },
  });
}

export function useDecideFlag(id: number) {
  return useReviewMutation(id, ({ flagId, body }: { flagId: number; body: DecideBody }) =>
    decideFlag(id, flagId, body),
  );
}

export function useRefreshReview(id: number) {
  return useReviewMutation(id, (version: number) => refreshReview(id, version));
}

export function useSignReview(id: number) {
  return useReviewMutation(id, (body: SignReviewBody) => signReview(id, body), { signed: true });
}
