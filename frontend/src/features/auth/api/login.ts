import { useMutation, useQueryClient } from '@tanstack/react-query';

import { publicApi, unwrap } from '@/lib/api/client';
import type { Schemas } from '@/lib/api/types';
import { session } from '@/lib/auth/session';

import { authKeys } from './auth-keys';

export interface LoginInput {
  username: string;
  password: string;
}

/** POST /auth/login/ (no token yet, so the client without the session) → tokens and the user. */
export function login(input: LoginInput): Promise<Schemas['Session']> {
  return unwrap(publicApi.POST('/api/v1/auth/login/', { body: input }));
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (result) => {
      queryClient.clear();
      queryClient.setQueryData(authKeys.me(), result.user);
      session.setTokens(result.access, result.refresh);
    },
  });
}
