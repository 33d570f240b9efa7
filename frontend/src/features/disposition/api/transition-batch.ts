import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';

import { crateKeys } from '@/entities/crates/crate-keys';
import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';
import { invalidateSigningSession } from '@/lib/auth/signing-session';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { batchKeys } from './batch-keys';
import type { BatchDetail } from './types';

/** The signed status changes of a batch, by the URL segment the API serves (`action.path`). */
export const TRANSITION_PATHS = ['submit', 'send-back', 'approve', 'cancel', 'complete'] as const;
export type BatchTransitionPath = (typeof TRANSITION_PATHS)[number];

export type BatchTransitionBody = Schemas['BatchTransitionRequest'];
export type DestroyItemBody = Schemas['BatchItemDestroyRequest'];
export type NotFoundBody = Schemas['BatchItemNotFoundRequest'];

/** POST /destruction-batches/{id}/{action}/ — a signed transition. */
export function transitionBatch(
  id: number,
  action: BatchTransitionPath,
  body: BatchTransitionBody,
): Promise<BatchDetail> {
  const params = { params: { path: { id } }, body };
  switch (action) {
    case 'submit':
      return unwrap(api.POST('/api/v1/destruction-batches/{id}/submit/', params));
    case 'send-back':
      return unwrap(api.POST('/api/v1/destruction-batches/{id}/send-back/', params));
    case 'approve':
      return unwrap(api.POST('/api/v1/destruction-batches/{id}/approve/', params));
    case 'cancel':
      return unwrap(api.POST('/api/v1/destruction-batches/{id}/cancel/', params));
    case 'complete':
      return unwrap(api.POST('/api/v1/destruction-batches/{id}/complete/', params));
  }
}

/** POST …/items/{item_id}/destroy/ — the scanned label, the executor's signature and the
 *  witness's, in one call. */
export function destroyItem(id: number, itemId: number, body: DestroyItemBody) {
  return unwrap(
    api.POST('/api/v1/destruction-batches/{id}/items/{item_id}/destroy/', {
      params: { path: { id, item_id: String(itemId) } },
      body,
    }),
  );
}

/** POST …/items/{item_id}/not-found/ — the crate could not be found (a reason, not signed). */
export function markItemNotFound(id: number, itemId: number, body: NotFoundBody) {
  return unwrap(
    api.POST('/api/v1/destruction-batches/{id}/items/{item_id}/not-found/', {
      params: { path: { id, item_id: String(itemId) } },
      body,
    }),
  );
}

function settle(queryClient: QueryClient, id: number, detail: BatchDetail): void {
  markOwnChange('batch', id);
  queryClient.setQueryData(batchKeys.detail(id), detail);
  void queryClient.invalidateQueries({ queryKey: batchKeys.lists() });
  // Destroyed crates, and crates let go by a cancelled or completed batch.
  void queryClient.invalidateQueries({ queryKey: crateKeys.all });
}

/** Every change of a batch's own page: the transitions and the crate actions. */
export function useBatchMutation<V>(id: number, call: (variables: V) => Promise<BatchDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => {
      markOwnChange('batch', id);
      return call(variables);
    },
    onSuccess: (detail) => {
      settle(queryClient, id, detail);
      invalidateSigningSession(queryClient);
    },
    onError: (error) => {
      // Someone else changed the batch: read it again, so the page (and the version the next
      // attempt sends) shows it as it is now.
      if (error instanceof ApiError && error.code === 'stale_version') {
        void queryClient.invalidateQueries({ queryKey: batchKeys.detail(id) });
      }
    },
  });
}

export function useTransitionBatch(id: number) {
  return useBatchMutation(
    id,
    ({ action, body }: { action: BatchTransitionPath; body: BatchTransitionBody }) =>
      transitionBatch(id, action, body),
  );
}

export function useDestroyItem(id: number) {
  return useBatchMutation(id, ({ itemId, body }: { itemId: number; body: DestroyItemBody }) =>
    destroyItem(id, itemId, body),
  );
}

export function useMarkItemNotFound(id: number) {
  return useBatchMutation(id, ({ itemId, body }: { itemId: number; body: NotFoundBody }) =>
    markItemNotFound(id, itemId, body),
  );
}
