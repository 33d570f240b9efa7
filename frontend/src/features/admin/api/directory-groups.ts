import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { adminKeys } from './admin-keys';

/** Where the group comes from: an LDAP / Active Directory DN, or an OpenID Connect groups claim. */
export type DirectorySource = Schemas['DirectorySourceEnum'];
export type DirectoryGroupMapping = Schemas['DirectoryGroupMapping'];
export type DirectoryGroupMappingBody = Schemas['DirectoryGroupMappingRequest'];

/** GET /directory-group-mappings/ — every mapped directory group (not paginated). */
export function getDirectoryGroups(): Promise<DirectoryGroupMapping[]> {
  return unwrap(api.GET('/api/v1/directory-group-mappings/'));
}

export function directoryGroupsQueryOptions() {
  return queryOptions({ queryKey: adminKeys.directoryGroups(), queryFn: getDirectoryGroups });
}

export function useDirectoryGroups() {
  return useQuery(directoryGroupsQueryOptions());
}

/** POST /directory-group-mappings/ or PUT /directory-group-mappings/{id}/. */
export function saveDirectoryGroup(
  id: number | null,
  body: DirectoryGroupMappingBody,
): Promise<DirectoryGroupMapping> {
  return id === null
    ? unwrap(api.POST('/api/v1/directory-group-mappings/', { body }))
    : unwrap(api.PUT('/api/v1/directory-group-mappings/{id}/', { params: { path: { id } }, body }));
}

/** DELETE /directory-group-mappings/{id}/ — members lose what it granted at their next sign-in. */
export async function deleteDirectoryGroup(id: number): Promise<void> {
  await unwrap(api.DELETE('/api/v1/directory-group-mappings/{id}/', { params: { path: { id } } }));
}

export function useSaveDirectoryGroup(id: number | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DirectoryGroupMappingBody) => saveDirectoryGroup(id, body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.directoryGroups() });
    },
  });
}

export function useDeleteDirectoryGroup() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteDirectoryGroup,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: adminKeys.directoryGroups() });
    },
  });
}
