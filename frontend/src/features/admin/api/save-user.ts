import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';

import { adminKeys } from './admin-keys';
import type { User } from './get-users';

export type NewUser = Schemas['UserRequest'];
export type OneTimePassword = Schemas['OneTimePassword'];
export interface UserChanges {
  full_name?: string;
  email?: string;
  role?: string;
  units?: number[];
  /** Recorded in the audit trail with a role or unit change. */
  reason?: string;
}

/** POST /users/ — the answer carries the one-time password, shown once and never stored. */
export function createUser(body: NewUser): Promise<OneTimePassword> {
  return unwrap(api.POST('/api/v1/users/', { body }));
}

/** PATCH /users/{id}/ (the reason travels with it, outside the generated body type). */
export function updateUser(id: number, changes: UserChanges): Promise<User> {
  // The generated body type leaves out `reason`, which the server reads beside the fields.
  const body: Schemas['PatchedUserUpdateRequest'] = changes;
  return unwrap(api.PATCH('/api/v1/users/{id}/', { params: { path: { id } }, body }));
}

export type UserAction =
  'deactivate' | 'activate' | 'unlock' | 'reset-password' | 'reset-two-factor';

/** The reasoned actions on a user; reset-password answers with a one-time password. */
export function userAction(
  id: number,
  action: UserAction,
  reason: string,
): Promise<User | OneTimePassword> {
  const params = { params: { path: { id } }, body: { reason } };
  switch (action) {
    case 'deactivate':
      return unwrap(api.POST('/api/v1/users/{id}/deactivate/', params));
    case 'activate':
      return unwrap(api.POST('/api/v1/users/{id}/activate/', params));
    case 'unlock':
      return unwrap(api.POST('/api/v1/users/{id}/unlock/', params));
    case 'reset-password':
      return unwrap(api.POST('/api/v1/users/{id}/reset-password/', params));
    case 'reset-two-factor':
      return unwrap(api.POST('/api/v1/users/{id}/reset-two-factor/', params));
  }
}

function useInvalidateUsers() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.users() });
}

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: createUser,
    // The answer holds a one-time password: forget it as soon as the dialog lets go of it.
    gcTime: 0,
    onSuccess: () => {
      void invalidate();
    },
  });
}

export function useUpdateUser(id: number) {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (changes: UserChanges) => updateUser(id, changes),
    onSuccess: () => {
      void invalidate();
    },
  });
}

export function useUserAction(id: number) {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ action, reason }: { action: UserAction; reason: string }) =>
      userAction(id, action, reason),
    gcTime: 0,
    onSuccess: () => {
      void invalidate();
    },
  });
}
