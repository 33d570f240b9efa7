import { queryOptions, useQuery } from '@tanstack/react-query';

import { publicApi, unwrap } from '@/lib/api/client';

import { HEALTH_REFETCH_INTERVAL_MS, healthKeys } from './health-keys';

/**
 * GET /healthz: the process is up. Any 2xx counts as alive; a JSON body's `status`
 * is shown when there is one. (Ops endpoints sit outside the OpenAPI schema, so this
 * type is written by hand.)
 */
export interface Liveness {
  status: string;
}

export async function getHealthz({ signal }: { signal?: AbortSignal } = {}): Promise<Liveness> {
  // Read as text: any 2xx counts, even one whose body is not JSON.
  const text = await unwrap(
    publicApi.GET('/healthz', { parseAs: 'text', ...(signal ? { signal } : {}) }),
  );
  let body: unknown = null;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    // not JSON: alive all the same
  }
  if (typeof body === 'object' && body !== null && 'status' in body) {
    const { status } = body;
    if (typeof status === 'string') {
      return { status };
    }
  }
  return { status: 'ok' };
}

export const healthzQueryOptions = () =>
  queryOptions({
    queryKey: healthKeys.liveness(),
    queryFn: ({ signal }) => getHealthz({ signal }),
    refetchInterval: HEALTH_REFETCH_INTERVAL_MS,
  });

export function useHealthz() {
  return useQuery(healthzQueryOptions());
}
