import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { auditKeys } from './audit-keys';
import type { AuditEvent } from './get-audit-events';

export type ChainReport = Schemas['ChainReport'];

/** POST /audit-events/verify/ — recomputes every hash and link now (and audits that it did). */
export function verifyChain(): Promise<ChainReport> {
  return unwrap(api.POST('/api/v1/audit-events/verify/'));
}

export function useVerifyChain() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: verifyChain,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: auditKeys.all });
    },
  });
}

/**
 * The last recorded verification: every run through the API writes an `audit.verify` event
 * whose changes hold `intact` and `checked`, so the trail itself says when it was last proved.
 */
export async function getLastVerification(): Promise<AuditEvent | null> {
  const page = await unwrap(
    api.GET('/api/v1/audit-events/', {
      params: { query: { action: 'audit.verify', page_size: 1 } },
    }),
  );
  return page.results[0] ?? null;
}

export function lastVerificationQueryOptions(enabled: boolean) {
  return queryOptions({
    queryKey: auditKeys.lastVerification(),
    queryFn: getLastVerification,
    enabled,
  });
}

export function useLastVerification(enabled: boolean) {
  return useQuery(lastVerificationQueryOptions(enabled));
}
