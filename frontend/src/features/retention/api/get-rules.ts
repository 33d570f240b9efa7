import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useInfiniteQuery,
  useQuery,
} from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import { cursorOf } from '@/lib/api/cursor';
import type { CursorPage, RetentionRule } from '@/lib/api/types';

import { retentionKeys, type RuleFilters } from './retention-keys';

const PAGE_SIZE = 100;

/** GET /retention-rules/ — rule versions (rules of every unit and of the caller's units). */
export function getRules(
  filters: RuleFilters,
  cursor?: string,
): Promise<CursorPage<RetentionRule>> {
  const query = {
    page_size: PAGE_SIZE,
    ...(cursor === undefined ? {} : { cursor }),
    ...(filters.doc_type === undefined ? {} : { doc_type: filters.doc_type }),
    ...(filters.status === undefined ? {} : { status: filters.status }),
  };
  return unwrap(api.GET('/api/v1/retention-rules/', { params: { query } }));
}

export function rulesQueryOptions(filters: RuleFilters) {
  return infiniteQueryOptions({
    queryKey: retentionKeys.list(filters),
    queryFn: ({ pageParam }) => getRules(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
    placeholderData: keepPreviousData,
  });
}

export function useRules(filters: RuleFilters) {
  return useInfiniteQuery(rulesQueryOptions(filters));
}

/** Every version of the rule `code`, newest first. */
export async function getRuleVersions(code: string): Promise<RetentionRule[]> {
  const page = await unwrap(
    api.GET('/api/v1/retention-rules/', { params: { query: { code, page_size: 200 } } }),
  );
  return [...page.results].sort((a, b) => b.revision - a.revision);
}

export function useRuleVersions(code: string | undefined) {
  return useQuery(
    queryOptions({
      queryKey: retentionKeys.versions(code ?? ''),
      queryFn: () => getRuleVersions(code ?? ''),
      enabled: code !== undefined,
    }),
  );
}

/** GET /retention-rules/{id}/ — one rule version. */
export function getRule(id: number): Promise<RetentionRule> {
  return unwrap(api.GET('/api/v1/retention-rules/{id}/', { params: { path: { id } } }));
}

export function ruleQueryOptions(id: number) {
  return queryOptions({ queryKey: retentionKeys.detail(id), queryFn: () => getRule(id) });
}

export function useRule(id: number, enabled = true) {
  return useQuery({ ...ruleQueryOptions(id), enabled });
}
