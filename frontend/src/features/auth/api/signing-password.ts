import { useMutation, useQueryClient } from '@tanstack/react-query';

import { invalidateSigningSession } from '@/lib/auth/signing-session';
import { setSigningPassword } from '@/lib/auth/oidc';

import { authKeys } from './auth-keys';

/** Sets (or changes) the signing password; auth/me/ then says one is set. */
export function useSetSigningPassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setSigningPassword,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: authKeys.me() });
      invalidateSigningSession(queryClient);
    },
  });
}
