import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';
import { session } from '@/lib/auth/session';

import { authKeys } from './auth-keys';

export function changePassword(
  body: Schemas['PasswordChangeRequest'],
): Promise<Schemas['Session']> {
  return unwrap(api.POST('/api/v1/auth/change-password/', { body }));
}

/** A password change revokes every session and answers with a fresh one. */
export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSuccess: (result) => {
      session.setTokens(result.access, result.refresh);
      queryClient.setQueryData(authKeys.me(), result.user);
    },
  });
}
