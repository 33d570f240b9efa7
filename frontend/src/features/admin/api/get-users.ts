import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import { cursorOf } from '@/lib/api/cursor';
import type { CursorPage, Schemas } from '@/lib/api/types';

import { adminKeys, type UserFilters } from './admin-keys';

export type User = Schemas['User'];

const PAGE_SIZE = 50;

/** GET /users/ — the users the caller manages (their units; all for a System Administrator). */
export function getUsers(filters: UserFilters, cursor?: string): Promise<CursorPage<User>> {
  const search = filters.search?.trim() ?? '';
  return unwrap(
    api.GET('/api/v1/users/', {
      params: {
        query: {
          page_size: PAGE_SIZE,
          ordering: 'username',
          ...(cursor === undefined ? {} : { cursor }),
          ...(search === '' ? {} : { search }),
          ...(filters.role === undefined ? {} : { role__name: filters.role }),
          ...(filters.active === undefined ? {} : { is_active: filters.active }),
          ...(filters.unit === undefined ? {} : { units: [filters.unit] }),
        },
      },
    }),
  );
}

export function usersQueryOptions(filters: UserFilters) {
  return infiniteQueryOptions({
    queryKey: adminKeys.userList(filters),
    queryFn: ({ pageParam }) => getUsers(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => cursorOf(page.next),
  });
}

export function useUsers(filters: UserFilters) {
  return useInfiniteQuery(usersQueryOptions(filters));
}
