import { useMutation, useQueryClient } from '@tanstack/react-query';

import { crateKeys } from '@/entities/crates/crate-keys';
import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { batchKeys } from './batch-keys';
import type { BatchDetail } from './types';

export type CreateBatchBody = Schemas['BatchCreateRequest'];

/** POST /destruction-batches/ — a DRAFT batch of the crates chosen (nothing is signed yet). A
 *  crate the server refuses comes back in `details.crates` (crate id → messages). */
export function createBatch(body: CreateBatchBody): Promise<BatchDetail> {
  return unwrap(api.POST('/api/v1/destruction-batches/', { body }));
}

export function useCreateBatch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createBatch,
    onSuccess: (detail) => {
      queryClient.setQueryData(batchKeys.detail(detail.id), detail);
      void queryClient.invalidateQueries({ queryKey: batchKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: crateKeys.all });
    },
  });
}
