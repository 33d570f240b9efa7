import { queryOptions, useQuery } from '@tanstack/react-query';

import { ApiError } from '@/lib/api-client';
import { publicApi, unwrap } from '@/lib/api/client';

import { HEALTH_REFETCH_INTERVAL_MS, healthKeys } from './health-keys';

/**
 * GET /readyz: the backend's dependencies. 200 with `status: "ok"` when all are reachable;
 * 503 with `status: "unavailable"` and the same shape otherwise, each failing component's
 * value reading `"error: ..."`. (Ops endpoints sit outside the OpenAPI schema, so this
 * type is written by hand.)
 */
export interface ReadyzBody {
  status: string;
  components: Record<string, string>;
}

export interface Readiness extends ReadyzBody {
  /** True only for a 2xx answer; a 503 with a readable body is data, not a query error. */
  ready: boolean;
}

export function isReadyzBody(body: unknown): body is ReadyzBody {
  if (typeof body !== 'object' || body === null) {
    return false;
  }
  const { status, components } = body as Record<string, unknown>;
  return (
    typeof status === 'string' &&
    typeof components === 'object' &&
    components !== null &&
    Object.values(components).every((value) => typeof value === 'string')
  );
}

export async function getReadyz({ signal }: { signal?: AbortSignal } = {}): Promise<Readiness> {
  let body: unknown;
  try {
    body = await unwrap(publicApi.GET('/readyz', signal ? { signal } : {}));
  } catch (error) {
    if (error instanceof ApiError && error.status === 503 && isReadyzBody(error.body)) {
      return { ...error.body, ready: false };
    }
    throw error;
  }
  if (!isReadyzBody(body)) {
    throw new Error('GET /readyz answered without the expected {status, components} body');
  }
  return { ...body, ready: body.status === 'ok' };
}

export const readyzQueryOptions = () =>
  queryOptions({
    queryKey: healthKeys.readiness(),
    queryFn: ({ signal }) => getReadyz({ signal }),
    refetchInterval: HEALTH_REFETCH_INTERVAL_MS,
  });

export function useReadyz() {
  return useQuery(readyzQueryOptions());
}
