import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { inventoryKeys } from './audit-keys';
import type { AuditDetail, CycleCountProposal } from './types';

export type OpenAuditBody = Schemas['InventoryAuditOpenRequest'];

/** POST /inventory-audits/ — opens an audit of a room, rack or shelf. */
export function openAudit(body: OpenAuditBody): Promise<AuditDetail> {
  return unwrap(api.POST('/api/v1/inventory-audits/', { body }));
}

export function useOpenAudit() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: openAudit,
    onSuccess: (audit) => {
      queryClient.setQueryData(inventoryKeys.detail(audit.id), audit);
      void queryClient.invalidateQueries({ queryKey: inventoryKeys.lists() });
      void queryClient.invalidateQueries({ queryKey: inventoryKeys.proposals() });
    },
  });
}

export interface ScopeOption {
  id: number;
  full_code: string;
  kind: string;
}

function flatten(nodes: readonly unknown[], out: ScopeOption[]): ScopeOption[] {
  for (const node of nodes) {
    if (typeof node !== 'object' || node === null) {
      continue;
    }
    const { id, full_code, kind, children } = node as Record<string, unknown>;
    if (typeof id === 'number' && typeof full_code === 'string' && typeof kind === 'string') {
      out.push({ id, full_code, kind });
    }
    if (Array.isArray(children)) {
      flatten(children, out);
    }
  }
  return out;
}

/** The active rooms, racks and shelves of the caller's units (GET /locations/tree/, one
 *  query, not paginated), in tree order, for the scope picker. */
export async function getScopeLocations(): Promise<ScopeOption[]> {
  return flatten(await unwrap(api.GET('/api/v1/locations/tree/')), []);
}

export function useScopeLocations(enabled: boolean) {
  return useQuery({
    queryKey: [...inventoryKeys.all, 'scope-locations'],
    queryFn: getScopeLocations,
    enabled,
  });
}

/** GET /inventory-audits/proposals/ — rooms due for a count, most at risk first. */
export function getProposals(): Promise<CycleCountProposal[]> {
  return unwrap(api.GET('/api/v1/inventory-audits/proposals/'));
}

export function useProposals() {
  return useQuery({ queryKey: inventoryKeys.proposals(), queryFn: getProposals });
}
