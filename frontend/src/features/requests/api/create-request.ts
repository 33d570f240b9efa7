import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import { invalidateSigningSession } from '@/lib/auth/signing-session';
import type { RequestDetail, Schemas } from '@/lib/api/types';

import { requestKeys } from './request-keys';

export type CreateRequestBody = Schemas['RequestCreateRequest'];

/** POST /requests/ with an Idempotency-Key, so a retried submission never duplicates. */
export function createRequest(
  body: CreateRequestBody,
  idempotencyKey: string,
): Promise<RequestDetail> {
  return unwrap(
    api.POST('/api/v1/requests/', {
      body,
      params: { header: { 'Idempotency-Key': idempotencyKey } },
    }),
  );
}

export function useCreateRequest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: CreateRequestBody; idempotencyKey: string }) =>
      createRequest(body, idempotencyKey),
    onSuccess: (detail) => {
      queryClient.setQueryData(requestKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: requestKeys.lists() });
      invalidateSigningSession(queryClient);
    },
  });
}
