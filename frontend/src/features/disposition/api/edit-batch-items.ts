import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { useBatchMutation } from './transition-batch';
import type { BatchDetail } from './types';

export type AddCratesBody = Schemas['BatchItemsAddRequest'];
/** The DELETE's body (BatchItemsRemoveSerializer): the OpenAPI schema cannot carry it, since
 *  drf-spectacular documents no request body for DELETE. */
export interface RemoveItemsBody {
  version: number;
  items: number[];
}

/** POST /destruction-batches/{id}/items/ — eligible crates added to a DRAFT (claimed for it);
 *  a crate refused comes back in `details.crates` (crate id → messages), nothing is added. */
export function addBatchCrates(id: number, body: AddCratesBody): Promise<BatchDetail> {
  return unwrap(
    api.POST('/api/v1/destruction-batches/{id}/items/', { params: { path: { id } }, body }),
  );
}

/** DELETE /destruction-batches/{id}/items/ — items taken out of a DRAFT (claims released). */
export function removeBatchItems(id: number, body: RemoveItemsBody): Promise<BatchDetail> {
  return unwrap(
    api.DELETE('/api/v1/destruction-batches/{id}/items/', {
      params: { path: { id } },
      // Sent as JSON like any body; typed `never` only because the schema lacks it (above).
      body: body as never,
    }),
  );
}

export function useAddBatchCrates(id: number) {
  return useBatchMutation(id, (body: AddCratesBody) => addBatchCrates(id, body));
}

export function useRemoveBatchItems(id: number) {
  return useBatchMutation(id, (body: RemoveItemsBody) => removeBatchItems(id, body));
}
