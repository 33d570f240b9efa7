import { useMutation, useQueryClient } from '@tanstack/react-query';

import { crateKeys } from '@/entities/crates/crate-keys';
import { locationKeys } from '@/entities/locations/location-keys';
import { ApiError } from '@/lib/api-client';
import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';
import { invalidateSigningSession } from '@/lib/auth/signing-session';
import { markOwnChange } from '@/lib/realtime/own-changes';

import { inventoryKeys } from './audit-keys';
import type { AuditDetail, ScanOutcome } from './types';

export type ScanBody = Schemas['InventoryScanInputRequest'];
export type ReconcileBody = Schemas['InventoryReconcileRequest'];
export type SignedBody = Schemas['InventorySignedRequest'];

/** POST /inventory-audits/{id}/scans/ — one code read on one shelf. `client_key` makes a retry
 *  of the same scan return the scan already recorded. */
export function postScan(id: number, body: ScanBody): Promise<ScanOutcome> {
  return unwrap(
    api.POST('/api/v1/inventory-audits/{id}/scans/', { params: { path: { id } }, body }),
  );
}

export function shelfDone(id: number, shelf: number): Promise<AuditDetail> {
  return unwrap(
    api.POST('/api/v1/inventory-audits/{id}/shelves/{shelf_id}/done/', {
      params: { path: { id, shelf_id: String(shelf) } },
    }),
  );
}

export function shelfReopen(id: number, shelf: number, reason: string): Promise<AuditDetail> {
  return unwrap(
    api.POST('/api/v1/inventory-audits/{id}/shelves/{shelf_id}/reopen/', {
      params: { path: { id, shelf_id: String(shelf) } },
      body: { reason },
    }),
  );
}

export function countComplete(id: number, version: number): Promise<AuditDetail> {
  return unwrap(
    api.POST('/api/v1/inventory-audits/{id}/count-complete/', {
      params: { path: { id } },
      body: { version },
    }),
  );
}

export function reconcileFinding(
  id: number,
  finding: number,
  body: ReconcileBody,
): Promise<AuditDetail> {
  return unwrap(
    api.POST('/api/v1/inventory-audits/{id}/findings/{finding_id}/reconcile/', {
      params: { path: { id, finding_id: String(finding) } },
      body,
    }),
  );
}

export function signAudit(
  id: number,
  action: 'close' | 'cancel',
  body: SignedBody,
): Promise<AuditDetail> {
  const params = { params: { path: { id } }, body };
  return action === 'close'
    ? unwrap(api.POST('/api/v1/inventory-audits/{id}/close/', params))
    : unwrap(api.POST('/api/v1/inventory-audits/{id}/cancel/', params));
}

/** A 409 `stale_version`: someone else changed the audit since this page read it. */
export function isStale(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'stale_version';
}

/** Every change made on an audit's page: the detail is replaced by the answer, lists and the
 *  crates and shelves it may have moved are read again. */
export function useAuditMutation<V>(id: number, call: (variables: V) => Promise<AuditDetail>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (variables: V) => {
      markOwnChange('inventory', id);
      return call(variables);
    },
    onSuccess: (detail) => {
      queryClient.setQueryData(inventoryKeys.detail(id), detail);
      void queryClient.invalidateQueries({ queryKey: inventoryKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: crateKeys.all });
      void queryClient.invalidateQueries({ queryKey: locationKeys.all });
      invalidateSigningSession(queryClient);
    },
    onError: (error) => {
      if (isStale(error)) {
        void queryClient.invalidateQueries({ queryKey: inventoryKeys.detail(id) });
      }
    },
  });
}

/** A scan: the shelf's scans and the audit are read again (results, counts, version). */
export function useScan(id: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ScanBody) => {
      markOwnChange('inventory', id);
      return postScan(id, body);
    },
    onSettled: (_data, _error, body) => {
      void queryClient.invalidateQueries({ queryKey: inventoryKeys.scans(id, body.shelf) });
      void queryClient.invalidateQueries({ queryKey: inventoryKeys.detail(id), exact: true });
    },
  });
}
